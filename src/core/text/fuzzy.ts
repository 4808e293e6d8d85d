// Near spellings among the words read in photos. OCR misreads letters ("passw0rd", "dentlst",
// "rn" for "m"), so a query word should also find words one or two edits away, but only in OCR
// text (a caption's "car" is not a "cat"). Candidates come from a trigram index over the OCR
// vocabulary (a word with k edits keeps at least grams − 3k of its trigrams), then a bounded
// Levenshtein distance decides.
import type { LexicalQuery, QueryTerm } from './query.ts';

/** Edits allowed for a query word of this length: none below 4 letters, one up to 7, two from 8. */
export function maxEdits(length: number): number {
  return length < 4 ? 0 : length < 8 ? 1 : 2;
}

function grams(word: string): string[] {
  const w = `\u0002${word}\u0003`;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= w.length; i++) out.add(w.slice(i, i + 3));
  return [...out];
}

/** Levenshtein distance of a and b, or max + 1 as soon as it must exceed max. */
export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      row[j] = v;
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = row;
  }
  return prev[b.length] as number;
}

/** The OCR vocabulary (index keys, counted by document), searchable by near spelling. */
export class FuzzyVocabulary {
  private readonly counts = new Map<string, number>();
  private readonly byGram = new Map<string, Set<string>>();

  get size(): number {
    return this.counts.size;
  }

  add(key: string): void {
    const n = this.counts.get(key) ?? 0;
    this.counts.set(key, n + 1);
    if (n > 0) return;
    for (const g of grams(key)) {
      let set = this.byGram.get(g);
      if (!set) this.byGram.set(g, (set = new Set()));
      set.add(key);
    }
  }

  remove(key: string): void {
    const n = this.counts.get(key);
    if (n === undefined) return;
    if (n > 1) return void this.counts.set(key, n - 1);
    this.counts.delete(key);
    for (const g of grams(key)) {
      const set = this.byGram.get(g);
      set?.delete(key);
      if (set?.size === 0) this.byGram.delete(g);
    }
  }

  /**
   * Words within maxEdits(key.length) of `key`, and words that hold it whole (the recogniser drops
   * spaces: "willrisotto"), the word itself excluded, nearest first.
   */
  near(key: string): string[] {
    const max = maxEdits(key.length);
    if (max === 0) return [];
    const mine = grams(key);
    const shared = new Map<string, number>();
    for (const g of mine) for (const w of this.byGram.get(g) ?? []) shared.set(w, (shared.get(w) ?? 0) + 1);
    // Inner trigrams (no boundary mark) all appear in a word that contains the key.
    const inner = mine.filter((g) => !g.includes('\u0002') && !g.includes('\u0003')).length;
    const need = Math.min(mine.length - 3 * max, inner);
    const out: Array<{ word: string; d: number }> = [];
    for (const [word, n] of shared) {
      if (word === key || n < need || maxEdits(word.length) === 0) continue;
      const d = word.length > key.length + max && word.includes(key) ? max : boundedDistance(key, word, max);
      if (d <= max) out.push({ word, d });
    }
    return out.sort((a, b) => a.d - b.d || (a.word < b.word ? -1 : 1)).map((x) => x.word);
  }
}

/**
 * `q` with the near spellings of each word in OCR text (`ocr`) added as 'fuzzy' alternatives of
 * weight `weight`. Idempotent: a query that has them already is returned as is.
 */
export function withNearSpellings(q: LexicalQuery, ocr: FuzzyVocabulary, weight: number): LexicalQuery {
  if (!(weight > 0) || ocr.size === 0 || q.terms.some((t) => t.alternatives.some((a) => a.relation === 'fuzzy'))) return q;
  const terms = q.terms.map((t): QueryTerm => {
    const have = new Set(t.alternatives.map((a) => a.key));
    const near = ocr.near(t.key).filter((k) => !have.has(k));
    return near.length === 0 ? t : { ...t, alternatives: [...t.alternatives, ...near.map((key) => ({ key, relation: 'fuzzy' as const, weight }))] };
  });
  return { ...q, terms };
}
