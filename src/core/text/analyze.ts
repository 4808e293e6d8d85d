// Text -> index terms, shared by documents and queries so both sides agree.
import { keyOf, lemmatize } from './lemmatize.ts';
import type { DocData, Field, LexicalOptions } from './lexical-types.ts';
import type { AnalyticsRecord } from './record.ts';
import { isStopWord } from './stopwords.ts';
import { tokenize } from './tokenize.ts';

export type Analyzer = LexicalOptions['analyzer'];

/** Words minus stop words (plain) or content lemmas (lemma) of a text, in order. */
export function analyzeText(text: string, analyzer: Analyzer): string[] {
  if (analyzer === 'plain') return (text.toLowerCase().match(/[a-z0-9]+/gu) ?? []).filter((w) => !isStopWord(w));
  return tokenize(text)
    .filter((w) => !isStopWord(w))
    .map((w) => lemmatize(w))
    .filter((w) => !isStopWord(w));
}

/** Index key of an analysed word. */
export function keyFor(lemma: string, analyzer: Analyzer): string {
  return analyzer === 'plain' ? lemma : keyOf(lemma);
}

/** Keys of a multi-word phrase ("play in", "red") with stop words removed. */
export function phraseKeys(text: string, analyzer: Analyzer): string[] {
  return analyzeText(text, analyzer).map((w) => keyFor(w, analyzer));
}

/** Adjacent pairs of keys, "a b". Stop words are already gone, so "man in red" -> "man red". */
export function bigramKeys(keys: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < keys.length; i++) out.push(`${keys[i - 1]} ${keys[i]}`);
  return out;
}

export function analyzeRecord(record: AnalyticsRecord, analyzer: Analyzer): DocData {
  return {
    captions: record.captions.map((c) => analyzeText(c, analyzer)),
    tags: [...record.tags],
    triplets: [...record.triplets],
    ocr: record.ocr ? analyzeText(record.ocr.text, analyzer) : [],
  };
}

/** Term -> frequency per field, and field lengths, for one document. */
export interface FieldTerms {
  readonly tf: Map<string, Record<Field, number>>;
  readonly lengths: Record<Field, number>;
}

export function fieldTerms(doc: DocData, opts: LexicalOptions): FieldTerms {
  const tf = new Map<string, Record<Field, number>>();
  const lengths: Record<Field, number> = { caption: 0, triplet: 0, tag: 0, phrase: 0, ocr: 0 };
  const add = (key: string, field: Field): void => {
    let row = tf.get(key);
    if (!row) tf.set(key, (row = { caption: 0, triplet: 0, tag: 0, phrase: 0, ocr: 0 }));
    row[field] += 1;
    lengths[field] += 1;
  };
  const a = opts.analyzer;
  for (const caption of doc.captions) {
    const keys = caption.map((w) => keyFor(w, a));
    for (const k of keys) add(k, 'caption');
    if (opts.phraseWeight > 0) for (const k of bigramKeys(keys)) add(k, 'phrase');
  }
  if (opts.fieldWeights.tag > 0) for (const t of doc.tags) for (const k of phraseKeys(t, a)) add(k, 'tag');
  if (opts.fieldWeights.triplet > 0) {
    for (const t of doc.triplets) for (const k of phraseKeys(`${t.s} ${t.r} ${t.o}`, a)) add(k, 'triplet');
  }
  if (opts.fieldWeights.ocr > 0) for (const w of doc.ocr) add(keyFor(w, a), 'ocr');
  return { tf, lengths };
}
