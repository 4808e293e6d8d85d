// The nearest-neighbour graph a map is laid out from: for each photo, its k nearest photos by
// cosine (itself first, as UMAP expects), as row indices into the same list. Built from our own
// forest's searches (workers/lib/map-input.ts), never by an all-pairs pass.

export interface KnnGraph {
  /** Photos (rows). */
  n: number;
  /** Neighbours per row, the row itself included at column 0. */
  k: number;
  /** n × k row indices; -1 where the forest returned fewer. */
  indices: Int32Array;
  /** n × k cosine distances (1 − cosine, ≥ 0), in the same places. */
  distances: Float32Array;
}

export interface Neighbour {
  /** Row index of the neighbour. */
  row: number;
  /** Cosine similarity. */
  score: number;
}

/** One graph from each row's search answer; the row itself is put first whatever the answer said. */
export function buildGraph(rows: readonly (readonly Neighbour[])[], k: number): KnnGraph {
  const n = rows.length;
  const indices = new Int32Array(n * k).fill(-1);
  const distances = new Float32Array(n * k);
  rows.forEach((hits, i) => {
    indices[i * k] = i;
    let c = 1;
    const sorted = [...hits].sort((a, b) => b.score - a.score || a.row - b.row);
    for (const h of sorted) {
      if (c >= k) break;
      if (h.row === i || h.row < 0) continue;
      indices[i * k + c] = h.row;
      distances[i * k + c] = Math.max(0, 1 - h.score);
      c++;
    }
    // Missing neighbours keep index -1 (UMAP skips them) and the row's farthest distance, so the
    // row's bandwidth is not skewed by a zero.
    const far = c > 1 ? distances[i * k + c - 1]! : 1;
    for (; c < k; c++) distances[i * k + c] = far;
  });
  return { n, k, indices, distances };
}

/** The graph in umap-js's shape (nested arrays). */
export function toNested(g: KnnGraph): { indices: number[][]; distances: number[][] } {
  const indices: number[][] = [], distances: number[][] = [];
  for (let i = 0; i < g.n; i++) {
    indices.push(Array.from(g.indices.subarray(i * g.k, (i + 1) * g.k)));
    distances.push(Array.from(g.distances.subarray(i * g.k, (i + 1) * g.k)));
  }
  return { indices, distances };
}
