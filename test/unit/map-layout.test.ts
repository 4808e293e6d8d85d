import { describe, expect, it } from 'vitest';
import { buildForest, Forest, MemoryBlockStore } from '../../src/core/forest/index.ts';
import { createRng } from '../../src/core/forest/rng.ts';
import { buildGraph, clusterLabels, layoutMap, placeNew, toNested, type KnnGraph } from '../../src/core/map/index.ts';

/** Three well-apart clusters of unit vectors (20 each) in 16-d. */
function clusters(seed = 3): { vectors: Float32Array[]; label: number[] } {
  const rng = createRng(seed);
  const dim = 16;
  const centres = [0, 1, 2].map(() => Array.from({ length: dim }, () => rng.gauss()));
  const vectors: Float32Array[] = [], label: number[] = [];
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < 20; i++) {
      const v = Float32Array.from(centres[c]!, (x) => x + 0.15 * rng.gauss());
      const n = Math.hypot(...v);
      vectors.push(v.map((x) => x / n));
      label.push(c);
    }
  }
  return { vectors, label };
}

/** The neighbour graph the app builds: one forest search per vector (workers/lib/map-input.ts does the same through the library). */
async function forestGraph(vectors: Float32Array[], k: number): Promise<KnnGraph> {
  const store = new MemoryBlockStore();
  const flat = new Float32Array(vectors.length * vectors[0]!.length);
  vectors.forEach((v, i) => flat.set(v, i * v.length));
  await buildForest(store, { dim: vectors[0]!.length, ids: vectors.map((_, i) => i + 1), vectors: flat }, { seed: 1 });
  const forest = await Forest.open(store);
  const rows = [];
  for (const v of vectors) rows.push((await forest.search(v, k, { searchK: 500 })).map((h) => ({ row: h.id - 1, score: h.score })));
  return buildGraph(rows, k);
}

const centroid = (p: Float32Array, rows: number[]): [number, number] => [rows.reduce((s, i) => s + p[2 * i]!, 0) / rows.length, rows.reduce((s, i) => s + p[2 * i + 1]!, 0) / rows.length];

describe('map layout (umap-js over the forest graph)', () => {
  it('builds the graph with each row itself first and pads missing neighbours with -1', () => {
    const g = buildGraph([[{ row: 1, score: 0.9 }, { row: 0, score: 1 }], [{ row: 0, score: 0.9 }]], 3);
    expect(Array.from(g.indices)).toEqual([0, 1, -1, 1, 0, -1]);
    expect(g.distances[1]).toBeCloseTo(0.1, 5);
    expect(g.distances[2]).toBeCloseTo(0.1, 5); // the row's farthest, not 0
  });

  it('gives the same positions for the same graph and seed, and separates clusters', async () => {
    const { vectors, label } = clusters();
    const g = await forestGraph(vectors, 10);
    const a = await layoutMap(g, { seed: 17, epochs: 150 });
    const b = await layoutMap(g, { seed: 17, epochs: 150 });
    expect(Array.from(b)).toEqual(Array.from(a));
    const c = await layoutMap(g, { seed: 18, epochs: 150 });
    expect(Array.from(c)).not.toEqual(Array.from(a));
    // Every photo is nearer its own cluster's centre than any other's.
    const centres = [0, 1, 2].map((k) => centroid(a, label.flatMap((l, i) => (l === k ? [i] : []))));
    for (let i = 0; i < label.length; i++) {
      const d = centres.map(([x, y]) => Math.hypot(a[2 * i]! - x, a[2 * i + 1]! - y));
      expect(d.indexOf(Math.min(...d))).toBe(label[i]);
    }
  });

  it('needs no vectors inside umap-js: placeholders give the layout the real vectors give', async () => {
    const { vectors } = clusters(5);
    const g = await forestGraph(vectors, 8);
    const placeholders = await layoutMap(g, { seed: 2, epochs: 60 });
    const real = await layoutMap(g, { seed: 2, epochs: 60, data: vectors.map((v) => Array.from(v)) });
    expect(Array.from(placeholders)).toEqual(Array.from(real));
    expect(toNested(g).indices[0]![0]).toBe(0);
  });

  it('stops when the signal fires and reports progress', async () => {
    const { vectors } = clusters(7);
    const g = await forestGraph(vectors, 8);
    const controller = new AbortController();
    const seen: number[] = [];
    await expect(layoutMap(g, { seed: 1, epochs: 100, signal: controller.signal, onProgress: (done) => (seen.push(done), done === 10 && controller.abort()) })).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.at(-1)).toBe(10);
  });

  it('lays out one or two photos without UMAP', async () => {
    expect(Array.from(await layoutMap(buildGraph([[]], 1), { seed: 1 }))).toEqual([0, 0]);
    expect(Array.from(await layoutMap(buildGraph([[{ row: 1, score: 0.5 }], [{ row: 0, score: 0.5 }]], 2), { seed: 1 }))).toEqual([-1, 0, 1, 0]);
  });
});

describe('placing new photos', () => {
  it('puts a newcomer by its neighbours, leaves everyone else where they were, the same way twice', async () => {
    const { vectors, label } = clusters(11);
    const g = await forestGraph(vectors.slice(0, 59), 10);
    const pos = await layoutMap(g, { seed: 17, epochs: 150 });
    const placed = new Map<number, [number, number]>();
    for (let i = 0; i < 59; i++) placed.set(i, [pos[2 * i]!, pos[2 * i + 1]!]);
    const before = JSON.stringify([...placed]);
    // The 60th vector (cluster 2), with its nearest among the placed ones by exact cosine.
    const v = vectors[59]!;
    const neighbours = vectors.slice(0, 59).map((u, id) => ({ id, score: u.reduce((s, x, d) => s + x * v[d]!, 0) })).sort((x, y) => y.score - x.score).slice(0, 10);
    const at = placeNew(placed, [{ id: 59, neighbours }], { seed: 17 });
    expect(Array.from(placeNew(placed, [{ id: 59, neighbours }], { seed: 17 }))).toEqual(Array.from(at));
    expect(JSON.stringify([...placed])).toBe(before);
    const centres = [0, 1, 2].map((k) => centroid(pos, label.slice(0, 59).flatMap((l, i) => (l === k ? [i] : []))));
    const d = centres.map(([x, y]) => Math.hypot(at[0]! - x, at[1]! - y));
    expect(d.indexOf(Math.min(...d))).toBe(2);
  });

  it('places newcomers whose neighbours are new too, and ones with none, inside the map', () => {
    const placed = new Map<number, [number, number]>([[1, [0, 0]], [2, [10, 10]]]);
    const at = placeNew(placed, [{ id: 4, neighbours: [{ id: 3, score: 0.9 }] }, { id: 3, neighbours: [{ id: 1, score: 0.95 }] }, { id: 5, neighbours: [] }], { seed: 1 });
    expect(at.every(Number.isFinite)).toBe(true);
    expect(Math.hypot(at[2]!, at[3]!)).toBeLessThan(Math.hypot(at[2]! - 10, at[3]! - 10)); // #3 by #1
  });
});

describe('cluster labels', () => {
  it('names each group by its most telling tags', () => {
    const positions = new Float32Array(80);
    const tags: string[][] = [];
    for (let i = 0; i < 40; i++) {
      const left = i < 20;
      positions[2 * i] = (left ? -10 : 10) + (i % 5) * 0.1;
      positions[2 * i + 1] = (i % 7) * 0.1;
      tags.push(left ? ['dog', 'grass', 'man'] : ['beach', 'water', 'man']);
    }
    const labels = clusterLabels(positions, tags, { seed: 1, maxClusters: 2 });
    expect(labels).toHaveLength(2);
    const left = labels.find((l) => l.x < 0)!, right = labels.find((l) => l.x > 0)!;
    expect(left.text).toMatch(/dog|grass/);
    expect(right.text).toMatch(/beach|water/);
    expect(left.text).not.toContain('man'); // in every photo: tells nothing
    expect(clusterLabels(positions, tags, { seed: 1, maxClusters: 2 })).toEqual(labels);
  });
});
