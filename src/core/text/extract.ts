// Caption -> triplets + tags, and the merge of several captions of one image.
import { chunk, type Chunk } from './chunk.ts';
import { isColor } from './colors.ts';
import { keyOf } from './lemmatize.ts';
import { tagCaption } from './nlp.ts';
import { CONTAINER_NOUNS, tripletsFromChunks, type Triplet } from './triplets.ts';

export type { Triplet } from './triplets.ts';

export interface CaptionFacts {
  readonly triplets: Triplet[];
  readonly tags: string[];
}

const PRONOUN_LIKE = new Set(['one', 'other', 'someone', 'something', 'each', 'it', 'that', 'this']);

function tagsFromChunks(chunks: readonly Chunk[]): string[] {
  const out: string[] = [];
  for (const c of chunks) {
    if (c.kind !== 'np') continue;
    for (const n of [...c.modifiers, c.head]) if (!CONTAINER_NOUNS.has(n) && !PRONOUN_LIKE.has(n)) out.push(n);
    for (const a of c.adjectives) if (isColor(a)) out.push(a); // colours are searched by; other adjectives stay in triplets
  }
  return out;
}

/** Triplets and tags of one caption, in caption order, not de-duplicated. */
export function extractCaption(caption: string): CaptionFacts {
  const chunks = chunk(tagCaption(caption));
  const triplets = tripletsFromChunks(chunks).filter((t) => !PRONOUN_LIKE.has(t.s) && !PRONOUN_LIKE.has(t.o));
  return { triplets, tags: tagsFromChunks(chunks) };
}

export function tripletKey(t: Triplet): string {
  return `${keyOf(t.s)}|${t.r
    .split(' ')
    .map((w) => keyOf(w))
    .join(' ')}|${keyOf(t.o)}`;
}

/** Items counted across captions, most frequent first, ties by first appearance. */
function rankByCount<T>(lists: readonly (readonly T[])[], key: (x: T) => string): T[] {
  const seen = new Map<string, { item: T; count: number; first: number }>();
  let order = 0;
  for (const list of lists) {
    const inThis = new Set<string>();
    for (const item of list) {
      const k = key(item);
      if (inThis.has(k)) continue; // count captions, not repeats within one caption
      inThis.add(k);
      const hit = seen.get(k);
      if (hit) hit.count += 1;
      else seen.set(k, { item, count: 1, first: order++ });
    }
  }
  return [...seen.values()].sort((a, b) => b.count - a.count || a.first - b.first).map((e) => e.item);
}

/**
 * Facts of all captions of one image, de-duplicated by lemma key (so "dogs play"
 * and "a dog is playing" merge) and ordered by how many captions state them.
 */
export function extractCaptions(captions: readonly string[]): CaptionFacts {
  const facts = captions.map(extractCaption);
  return {
    triplets: rankByCount(
      facts.map((f) => f.triplets),
      tripletKey,
    ),
    tags: rankByCount(
      facts.map((f) => f.tags),
      (t) => keyOf(t),
    ),
  };
}
