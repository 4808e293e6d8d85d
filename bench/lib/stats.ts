// Small measurement helpers.

export function percentile(sortedMs: readonly number[], p: number): number {
  if (!sortedMs.length) return NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1))];
}

/** recall@k of one result list against the first k ground-truth ids. */
export function recallAt(found: ArrayLike<number>, truth: ArrayLike<number>, k: number): number {
  const t = new Set<number>();
  for (let i = 0; i < k && i < truth.length; i++) t.add(truth[i]);
  let hit = 0;
  for (let i = 0; i < Math.min(k, found.length); i++) if (t.has(found[i])) hit++;
  return hit / k;
}

/** Local intrinsic dimensionality (MLE, Levina–Bickel) from cosine scores of the k nearest, best first. */
export function lidFromCosines(cos: ArrayLike<number>): number {
  const dist = (i: number): number => Math.sqrt(Math.max(1e-12, 2 - 2 * cos[i]));
  const k = cos.length, dk = dist(k - 1);
  let s = 0;
  for (let i = 0; i < k - 1; i++) s += Math.log(dist(i) / dk);
  return -(k - 1) / s;
}

export const round = (x: number, digits = 3): number => Number(x.toFixed(digits));
