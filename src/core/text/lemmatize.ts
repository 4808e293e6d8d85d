// Light, context-free lemmatiser: irregular tables first, then suffix rules for
// plural nouns and -s/-ing/-ed verb forms. It is the single source of index terms
// for captions, triplets, tags and queries, so all of them agree with each other.
import { IRREGULAR_NOUNS, IRREGULAR_VERBS } from './lemma-tables.ts';

export type PosHint = 'noun' | 'verb' | 'any';

const VOWEL = /[aeiouy]/u;
// Stems that drop their final "e" before a suffix: danc(e), charg(e), serv(e), cuddl(e).
const NEEDS_E = /(?:[^aeiou][cgvz]|[^aeioul]l|[aeiou][cgvsz]|u)$/u;
const UNDOUBLE = /([bdgmnprt])\1$/u;

function hasVowel(s: string): boolean {
  return VOWEL.test(s);
}

function vowelGroups(s: string): number {
  return (s.match(/[aeiouy]+/gu) ?? []).length;
}

/** Restores a stem after removing -ing/-ed: swimm -> swim, rid -> ride, danc -> dance. */
function restoreStem(stem: string): string {
  if (UNDOUBLE.test(stem)) return stem.slice(0, -1);
  if (/ng$/u.test(stem)) return stem; // hang, sing: not "hange"
  if (NEEDS_E.test(stem)) return stem + 'e';
  // One-syllable consonant-vowel-consonant stems lost an "e": rid(e), skat(e), smil(e).
  if (vowelGroups(stem) === 1 && /[^aeiou][aeiou][^aeiouwxy]$/u.test(stem)) return stem + 'e';
  return stem;
}

function stripPlural(w: string): string {
  if (w.length <= 3 || /(?:ss|us|is|ous|ics)$/u.test(w) || !w.endsWith('s')) return w;
  if (/ies$/u.test(w)) return w.length <= 4 ? w.slice(0, -1) : w.slice(0, -3) + 'y';
  if (/(?:ches|shes|sses|xes|zzes|oes)$/u.test(w)) return w.slice(0, -2);
  return w.slice(0, -1);
}

function stripIng(w: string): string | undefined {
  if (!w.endsWith('ing') || w.length < 5) return undefined;
  const stem = w.slice(0, -3);
  if (!hasVowel(stem) || stem.length < 2) return undefined; // thing, string, swing
  return restoreStem(stem);
}

function stripEd(w: string): string | undefined {
  if (!w.endsWith('ed') || w.length < 5 || /eed$/u.test(w)) return undefined; // red, sled, speed
  if (/ied$/u.test(w)) return w.slice(0, -3) + 'y';
  const stem = w.slice(0, -2);
  if (!hasVowel(stem)) return undefined;
  return restoreStem(stem);
}

/** Base form of a (lower-case, normalised) word. `pos` narrows which rules apply. */
export function lemmatize(word: string, pos: PosHint = 'any'): string {
  const w = word.toLowerCase();
  const noun = IRREGULAR_NOUNS[w];
  if (noun !== undefined && pos !== 'verb') return noun;
  const verb = IRREGULAR_VERBS[w];
  if (verb !== undefined && pos !== 'noun') return verb;
  if (pos !== 'noun') {
    const v = stripIng(w) ?? stripEd(w);
    if (v !== undefined) return v;
  }
  return stripPlural(w);
}

/**
 * Index key for a lemma: the lemma minus a final silent "e". Suffix rules cannot
 * always tell "explor(e)" from "open", so keys ignore that "e" and stay equal.
 */
export function termKey(lemma: string): string {
  return lemma.length > 3 && lemma.endsWith('e') && !lemma.endsWith('ee') ? lemma.slice(0, -1) : lemma;
}

const keyCache = new Map<string, string>();
/** Bounds the cache: a caption vocabulary is a few tens of thousands of words. */
const KEY_CACHE_MAX = 100_000;

/** Convenience: surface word -> index key. Memoised: searches and rescoring ask for the same words again and again. */
export function keyOf(word: string, pos: PosHint = 'any'): string {
  if (pos !== 'any') return termKey(lemmatize(word, pos));
  let key = keyCache.get(word);
  if (key === undefined) {
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
    key = termKey(lemmatize(word));
    keyCache.set(word, key);
  }
  return key;
}
