// Shallow chunker: POS tokens -> noun phrases, verb groups, prepositions and
// clause markers. Enough structure for caption triplets, no full parse.
import type { PosToken } from './nlp.ts';

export interface NounPhrase {
  readonly kind: 'np';
  readonly head: string;
  readonly adjectives: readonly string[];
  readonly modifiers: readonly string[]; // noun modifiers: "toy" in "toy gun"
}
export type Chunk =
  | NounPhrase
  | { readonly kind: 'vp'; readonly verb: string; readonly copula: boolean }
  | { readonly kind: 'prep'; readonly word: string }
  | { readonly kind: 'adj'; readonly word: string }
  | { readonly kind: 'conj'; readonly word: string }
  | { readonly kind: 'pron'; readonly word: string }
  | { readonly kind: 'edge' };

// Multi-word prepositions, written as they appear after tokenising.
// Compact word table, kept dense on purpose.
// prettier-ignore
const MULTI_PREPS: readonly (readonly string[])[] = [
  ['in', 'front', 'of'], ['on', 'top', 'of'], ['in', 'the', 'middle', 'of'], ['next', 'to'], ['close', 'to'],
  ['out', 'of'], ['away', 'from'], ['on', 'the', 'side', 'of'], ['because', 'of'], ['up', 'to'],
  ['in', 'between'], ['on', 'the', 'edge', 'of'], ['at', 'the', 'top', 'of'], ['at', 'the', 'bottom', 'of'],
  ['at', 'the', 'edge', 'of'], ['by', 'the', 'side', 'of'],
];
const POSSESSIVES = new Set(['his', 'her', 'its', 'their', 'my', 'our', 'your']);
const NP_POS = new Set(['det', 'num', 'adj', 'noun']);

function matchMulti(tokens: readonly PosToken[], i: number): number {
  for (const seq of MULTI_PREPS) {
    if (seq.every((w, k) => tokens[i + k]?.word === w)) return seq.length;
  }
  return 0;
}

/** Reads a noun phrase starting at i; returns it and the index after it (or undefined). */
function readNounPhrase(tokens: readonly PosToken[], i: number): [NounPhrase, number] | undefined {
  const adjectives: string[] = [];
  const nouns: string[] = [];
  let j = i;
  let end = -1;
  while (j < tokens.length) {
    const t = tokens[j] as PosToken;
    const isPossessive = t.pos === 'pron' && POSSESSIVES.has(t.word);
    const adjAnd = t.pos === 'conj' && t.word === 'and' && tokens[j - 1]?.pos === 'adj' && tokens[j + 1]?.pos === 'adj';
    if (!NP_POS.has(t.pos) && !isPossessive && !adjAnd) break;
    if (t.pos === 'noun') {
      nouns.push(t.lemma);
      end = j;
    } else if (t.pos === 'adj') {
      if (nouns.length > 0) break; // "dog wet": the adjective starts a new chunk
      adjectives.push(t.lemma);
    } else if (nouns.length > 0) break; // a determiner after a noun starts a new phrase
    j += 1;
  }
  if (end < 0) return undefined;
  const head = nouns[nouns.length - 1] as string;
  return [{ kind: 'np', head, adjectives, modifiers: nouns.slice(0, -1) }, end + 1];
}

export function chunk(tokens: readonly PosToken[]): Chunk[] {
  const out: Chunk[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i] as PosToken;
    const multi = matchMulti(tokens, i);
    if (multi > 0) {
      out.push({
        kind: 'prep',
        word: tokens
          .slice(i, i + multi)
          .map((x) => x.word)
          .filter((w) => w !== 'the')
          .join(' '),
      });
      i += multi;
      continue;
    }
    const np = NP_POS.has(t.pos) || (t.pos === 'pron' && POSSESSIVES.has(t.word)) ? readNounPhrase(tokens, i) : undefined;
    if (np) {
      out.push(np[0]);
      i = np[1];
      continue;
    }
    if (t.pos === 'aux') {
      const next = tokens[i + 1];
      // "is playing" -> play; "is wet" / "is on" -> copula
      if (next?.pos !== 'verb' && next?.pos !== 'aux' && next?.pos !== 'adv') out.push({ kind: 'vp', verb: 'be', copula: true });
    } else if (t.pos === 'verb') out.push({ kind: 'vp', verb: t.lemma, copula: false });
    else if (t.pos === 'prep') out.push({ kind: 'prep', word: t.word });
    else if (t.pos === 'adj') out.push({ kind: 'adj', word: t.lemma });
    else if (t.pos === 'conj') out.push({ kind: 'conj', word: t.word });
    else if (t.pos === 'pron') out.push({ kind: 'pron', word: t.word });
    else if (t.pos === 'punct') out.push({ kind: 'edge' });
    i += 1;
  }
  return out;
}
