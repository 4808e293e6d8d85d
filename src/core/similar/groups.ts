// Groups of near-duplicates. Candidate pairs come from elsewhere (the visual forest's neighbours,
// photos with the same whole-photo hash); a pair is alike when its hash distance is at most the
// threshold, and groups are the connected sets of alike pairs (a burst chains frame to frame).
import { hashDistance } from './phash.ts';

export interface Pair {
  a: number;
  b: number;
}

export interface ScoredPair extends Pair {
  /** hashDistance of the two photos, in bits. */
  distance: number;
}

export interface SimilarGroup {
  /** Image ids, ascending. */
  ids: number[];
  /** The largest distance of a pair that joined the group. */
  maxDistance: number;
}

/** Default: the largest threshold whose pair precision stays ≥ 0.95 on both edited sets (README, `npm run eval:similar`). */
export const DEFAULT_SIMILAR_THRESHOLD = 10;

/** Scores candidate pairs (each unordered pair once; pairs with an unhashed photo are left out). */
export function scorePairs(pairs: Iterable<Pair>, hashes: ReadonlyMap<number, Int32Array>): ScoredPair[] {
  const seen = new Set<string>();
  const out: ScoredPair[] = [];
  for (const { a, b } of pairs) {
    if (a === b) continue;
    const lo = Math.min(a, b), hi = Math.max(a, b);
    const key = `${lo}:${hi}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const ha = hashes.get(lo), hb = hashes.get(hi);
    if (ha && hb) out.push({ a: lo, b: hi, distance: hashDistance(ha, hb) });
  }
  return out;
}

/** Photos whose whole-photo hashes are equal: always candidates, whatever the neighbours say. */
export function sameHashPairs(hashes: ReadonlyMap<number, Int32Array>): Pair[] {
  const buckets = new Map<string, number[]>();
  for (const [id, h] of hashes) {
    const key = `${h[0]}:${h[1]}`;
    const list = buckets.get(key);
    if (list) list.push(id);
    else buckets.set(key, [id]);
  }
  const out: Pair[] = [];
  for (const ids of buckets.values()) for (let i = 1; i < ids.length; i++) out.push({ a: ids[0]!, b: ids[i]! });
  return out;
}

/** Every pair of hashed photos within `maxDistance` (n²/2 comparisons: for evaluation and small sets). */
export function allPairsWithin(hashes: ReadonlyMap<number, Int32Array>, maxDistance: number): ScoredPair[] {
  const ids = [...hashes.keys()].sort((x, y) => x - y);
  const out: ScoredPair[] = [];
  for (let i = 0; i < ids.length; i++) {
    const hi = hashes.get(ids[i]!)!;
    for (let j = i + 1; j < ids.length; j++) {
      const d = hashDistance(hi, hashes.get(ids[j]!)!);
      if (d <= maxDistance) out.push({ a: ids[i]!, b: ids[j]!, distance: d });
    }
  }
  return out;
}

/** Connected groups of pairs within `threshold`; largest first, then by smallest id. */
export function groupPairs(pairs: readonly ScoredPair[], threshold: number): SimilarGroup[] {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    for (let c = x; c !== r; ) {
      const next = parent.get(c)!;
      parent.set(c, r);
      c = next;
    }
    return r;
  };
  const worst = new Map<number, number>();
  for (const p of pairs) {
    if (p.distance > threshold) continue;
    if (!parent.has(p.a)) parent.set(p.a, p.a);
    if (!parent.has(p.b)) parent.set(p.b, p.b);
    const ra = find(p.a), rb = find(p.b);
    const d = Math.max(p.distance, worst.get(ra) ?? 0, worst.get(rb) ?? 0);
    // The smaller id is the root, so the outcome does not depend on the order of the pairs.
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    parent.set(child, root);
    worst.set(root, d);
  }
  const members = new Map<number, number[]>();
  for (const id of parent.keys()) {
    const r = find(id);
    const list = members.get(r);
    if (list) list.push(id);
    else members.set(r, [id]);
  }
  return [...members.entries()]
    .map(([root, ids]) => ({ ids: ids.sort((x, y) => x - y), maxDistance: worst.get(root) ?? 0 }))
    .sort((x, y) => y.ids.length - x.ids.length || x.ids[0]! - y.ids[0]!);
}
