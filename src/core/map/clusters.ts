// Labels for the map: the layout is cut into a few groups by k-means on the 2-D positions
// (seeded, k-means++ start), and each group is named by its most frequent tags. Tags common to
// the whole library ("man", "photo") are weighed down by how many photos carry them, so a label
// says what sets its group apart.
import { createRng } from '../forest/rng.ts';

export interface ClusterLabel {
  x: number;
  y: number;
  text: string;
  size: number;
}

export interface ClusterOptions {
  seed: number;
  /** At most this many labels. */
  maxClusters?: number;
  /** Tags per label. */
  tagsPerLabel?: number;
  iterations?: number;
}

/** k-means assignment of each position (x, y pairs) to one of k centres. */
export function kmeans2d(positions: Float32Array, k: number, seed: number, iterations = 25): { centres: Float64Array; assign: Int32Array } {
  const n = positions.length / 2;
  const rng = createRng(seed);
  const centres = new Float64Array(2 * k);
  const assign = new Int32Array(n);
  if (n === 0) return { centres, assign };
  // k-means++: each next centre drawn with probability ∝ squared distance to the nearest one.
  const d2 = new Float64Array(n).fill(Infinity);
  let pick = rng.int(n);
  for (let c = 0; c < k; c++) {
    centres[2 * c] = positions[2 * pick]!;
    centres[2 * c + 1] = positions[2 * pick + 1]!;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dx = positions[2 * i]! - centres[2 * c]!, dy = positions[2 * i + 1]! - centres[2 * c + 1]!;
      d2[i] = Math.min(d2[i]!, dx * dx + dy * dy);
      total += d2[i]!;
    }
    let r = rng.next() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) if ((r -= d2[i]!) <= 0) { pick = i; break; }
  }
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < n; i++) {
      let best = 0, bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const dx = positions[2 * i]! - centres[2 * c]!, dy = positions[2 * i + 1]! - centres[2 * c + 1]!;
        const d = dx * dx + dy * dy;
        if (d < bestD) [best, bestD] = [c, d];
      }
      assign[i] = best;
    }
    const sum = new Float64Array(3 * k);
    for (let i = 0; i < n; i++) {
      const c = assign[i]!;
      sum[3 * c] += positions[2 * i]!;
      sum[3 * c + 1] += positions[2 * i + 1]!;
      sum[3 * c + 2]++;
    }
    for (let c = 0; c < k; c++) if (sum[3 * c + 2]! > 0) [centres[2 * c], centres[2 * c + 1]] = [sum[3 * c]! / sum[3 * c + 2]!, sum[3 * c + 1]! / sum[3 * c + 2]!];
  }
  return { centres, assign };
}

/** One label per group of at least 3 photos; `tags[i]` are photo i's tags. */
export function clusterLabels(positions: Float32Array, tags: readonly (readonly string[])[], o: ClusterOptions): ClusterLabel[] {
  const n = positions.length / 2;
  if (n < 3) return [];
  const k = Math.max(1, Math.min(o.maxClusters ?? 12, Math.round(Math.sqrt(n / 4))));
  const { centres, assign } = kmeans2d(positions, k, o.seed, o.iterations);
  const df = new Map<string, number>();
  for (const t of tags) for (const tag of new Set(t)) df.set(tag, (df.get(tag) ?? 0) + 1);
  const labels: ClusterLabel[] = [];
  for (let c = 0; c < k; c++) {
    const counts = new Map<string, number>();
    let size = 0;
    for (let i = 0; i < n; i++) {
      if (assign[i] !== c) continue;
      size++;
      for (const tag of new Set(tags[i] ?? [])) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }
    if (size < 3 || counts.size === 0) continue;
    const score = (tag: string): number => counts.get(tag)! * Math.log(1 + n / df.get(tag)!);
    const top = [...counts.keys()].sort((a, b) => score(b) - score(a) || a.localeCompare(b)).slice(0, o.tagsPerLabel ?? 2);
    labels.push({ x: centres[2 * c]!, y: centres[2 * c + 1]!, text: top.join(' · '), size });
  }
  return labels.sort((a, b) => b.size - a.size);
}
