// One short, human reason per hit, plus the caption words to highlight. Plain text only: the UI
// renders both as text, never as HTML.
import { phraseKeys } from '../text/analyze.ts';
import { keyOf } from '../text/lemmatize.ts';
import type { MatchReason } from '../text/lexical-types.ts';
import type { AnalyticsRecord } from '../text/record.ts';
import { isStopWord } from '../text/stopwords.ts';
import { tokenize } from '../text/tokenize.ts';
import type { Triplet } from '../text/triplets.ts';
import type { MatchSummary, SearchHit } from './types.ts';

export type { MatchKind, MatchSummary } from './types.ts';

type TermReason = Extract<MatchReason, { kind: 'term' }>;
type TripletReason = Extract<MatchReason, { kind: 'triplet' }>;
type PhraseReason = Extract<MatchReason, { kind: 'phrase' }>;

/** Words of a caption as written, with the span the tokenizer would read (same character classes). */
const WORD = /[\p{L}\p{N}]+(?:['\u2019-][\p{L}\p{N}]+)*/gu;
const MAX_TERMS = 3;

function tripletText(t: Triplet): string {
  return [t.s, t.r, t.o].filter((w) => w.length > 0).join(' · ');
}

function termText(t: TermReason): string {
  return t.relation === 'exact' || t.query === t.matched ? t.matched : `${t.query} ≈ ${t.matched}`;
}

const OCR_SNIPPET = 90;

/** Written words of `text` whose key was matched, in order, de-duplicated. */
function matchedSpans(text: string, keys: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const span of text.match(WORD) ?? []) if (spanTerms(span).some((t) => keys.has(t)) && !out.includes(span)) out.push(span);
  return out;
}

/** The read text around the first matched word: that line and the next ones, up to a snippet's length. */
function ocrSnippet(text: string, spans: readonly string[]): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const first = Math.max(0, lines.findIndex((l) => spans.some((s) => (l.match(WORD) ?? [] as string[]).includes(s))));
  let out = lines[first] ?? '';
  for (let i = first + 1; i < lines.length && out.length + (lines[i] as string).length + 3 <= OCR_SNIPPET; i++) out += ` · ${lines[i]}`;
  if (out.length > OCR_SNIPPET) out = `${out.slice(0, OCR_SNIPPET - 1)}…`;
  return `${first > 0 ? '… ' : ''}${out}`;
}

/** Index keys that were matched, for finding their surface forms in the captions. */
function matchedKeys(terms: readonly TermReason[], triplets: readonly TripletReason[], phrases: readonly PhraseReason[]): Set<string> {
  const keys = new Set<string>();
  for (const t of terms) for (const k of phraseKeys(t.matched, 'lemma')) keys.add(k);
  for (const t of triplets) for (const k of phraseKeys(tripletText(t.matched), 'lemma')) keys.add(k);
  for (const p of phrases) for (const w of p.phrase.split(' ')) keys.add(w);
  return keys;
}

const spanCache = new Map<string, readonly string[]>();
const SPAN_CACHE_MAX = 20_000;

/** A written word's content tokens and their keys (memoised: result lists repeat the same words). */
function spanTerms(span: string): readonly string[] {
  let terms = spanCache.get(span);
  if (terms === undefined) {
    if (spanCache.size >= SPAN_CACHE_MAX) spanCache.clear();
    terms = tokenize(span)
      .filter((w) => !isStopWord(w))
      .flatMap((w) => [w, keyOf(w)]);
    spanCache.set(span, terms);
  }
  return terms;
}

/** Surface words of `captions` (in order, first the caption at `first`) whose key was matched. */
function surfaceWords(captions: readonly string[], keys: ReadonlySet<string>, first: number): string[] {
  const order = [...captions.keys()];
  if (first > 0 && first < captions.length) order.unshift(...order.splice(first, 1));
  const out: string[] = [];
  for (const i of order) {
    for (const span of (captions[i] ?? '').match(WORD) ?? []) {
      const hit = spanTerms(span).some((t) => keys.has(t));
      if (hit && !out.includes(span)) out.push(span);
    }
  }
  return out;
}

/** The caption holding the most matched terms (ties: higher summed score, then earlier). */
function bestCaption(terms: readonly TermReason[], count: number): { index: number; covered: number } {
  let best = { index: -1, covered: 0, score: 0 };
  for (let c = 0; c < count; c++) {
    const inIt = terms.filter((t) => t.captions.includes(c));
    const score = inIt.reduce((s, t) => s + t.score, 0);
    if (inIt.length > best.covered || (inIt.length === best.covered && inIt.length > 0 && score > best.score)) {
      best = { index: c, covered: inIt.length, score };
    }
  }
  return best;
}

/**
 * Picks the reason a person grasps fastest:
 * 1. caption: one caption holds every matched word. With a single word, only if that word
 *    matched exactly ("puppy" found via "dog" reads better as a word reason).
 * 2. triplet: a who-does-what match ("dog · play in · snow").
 * 3. caption: one caption holds at least two of the matched words.
 * 4. term: the strongest words, with the synonym step shown ("puppy ≈ dog").
 * 5. visual (query by image) or semantic (only the sentence embedding matched).
 * Colour contradictions are penalties, not reasons, and are never shown as why an image matched.
 */
export function describeMatch(hit: SearchHit, record: AnalyticsRecord): MatchSummary {
  const terms = hit.reasons.filter((r): r is TermReason => r.kind === 'term' && r.score > 0);
  const triplets = hit.reasons.filter((r): r is TripletReason => r.kind === 'triplet' && r.score > 0);
  const phrases = hit.reasons.filter((r): r is PhraseReason => r.kind === 'phrase' && r.score > 0);
  const keys = matchedKeys(terms, triplets, phrases);
  const caption = bestCaption(terms, record.captions.length);
  const highlights = (first: number): string[] => surfaceWords(record.captions, keys, first);
  const quote = (i: number): MatchSummary => ({ kind: 'caption', text: `caption: “${record.captions[i]}”`, highlights: highlights(i) });

  // Words only the photo's own text holds: say so, and quote it ("text in photo: …").
  const inText = terms.filter((t) => t.fields.includes('ocr'));
  if (record.ocr?.text && inText.length > caption.covered) {
    const spans = matchedSpans(record.ocr.text, matchedKeys(inText, [], []));
    if (spans.length > 0) return { kind: 'ocr', text: `text in photo: “${ocrSnippet(record.ocr.text, spans)}”`, highlights: spans };
  }
  const allInOne = caption.index >= 0 && caption.covered === terms.length;
  if (allInOne && (terms.length >= 2 || terms[0]?.relation === 'exact')) return quote(caption.index);
  const triplet = [...triplets].sort((a, b) => b.score - a.score)[0];
  if (triplet) return { kind: 'triplet', text: `triplet: ${tripletText(triplet.matched)}`, highlights: highlights(caption.index) };
  if (caption.covered >= 2) return quote(caption.index);
  if (terms.length > 0) {
    const top = [...terms].sort((a, b) => b.score - a.score).slice(0, MAX_TERMS);
    return {
      kind: 'term',
      text: `${top.length > 1 ? 'words' : 'word'}: ${top.map(termText).join(', ')}`,
      highlights: highlights(caption.index),
    };
  }
  if (phrases.length > 0 && phrases[0]?.captions[0] !== undefined && phrases[0].captions[0] < record.captions.length) {
    return quote(phrases[0].captions[0]);
  }
  if (hit.visualScore !== undefined && hit.vectorScore === undefined) return { kind: 'visual', text: 'looks similar', highlights: [] };
  return { kind: 'semantic', text: 'similar meaning', highlights: [] };
}
