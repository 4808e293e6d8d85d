// buildForest: validate, quantise, build each tree, write blocks in bounded
// batches, then commit by writing the meta block (old generation is removed after).
import { throwIfAborted, type SignalLike } from '../errors.ts';
import { encodeCentroid, encodeMeta, encodeSlots, SLOT_PAGE, type ForestMeta, type SplitMethod } from './meta-codec.ts';
import { readMeta } from './forest-open.ts';
import { createRng, mixSeed } from './rng.ts';
import { principalBasis, projectRows, type Routing } from './routing.ts';
import { centroidOfHalves, rotationSeed, SketchSpace } from './sketch.ts';
import type { Rows } from './split.ts';
import { encodeSketchPage, SKETCH_PAGE, SketchRows } from './sketch-codec.ts';
import { centroidKey, genPrefix, META_KEY, sketchKey, slotKey, vectorKey, type BlockStore, type BlockWrite } from './store.ts';
import { encodeVector } from './vector-codec.ts';
import { buildTreeBlocks, type TreeBlocks, type TreeJob } from './tree-blocks.ts';
import { checkIds } from './ids.ts';
import { checkRows, halfRows } from './vector-math.ts';
import { InvalidArgumentError } from './errors.ts';

export interface ForestBuildOptions {
  /** More trees: better recall per candidate, but each tree stores every vector again. Default 10. */
  nTrees?: number;
  /**
   * Build splits until a leaf holds at most this many entries. Default DEFAULT_LEAF_SIZE, or
   * 0.65·leafCapacity when only that is given. Leaves hold 4-byte slots; bigger ones mean fewer
   * node pages to keep resident, at some cost in recall per entry read.
   */
  leafSize?: number;
  /** A leaf overflows (and splits on add) past this. Default ⌈1.55·leafSize⌉. */
  leafCapacity?: number;
  seed?: number;
  split?: SplitMethod;
  /**
   * Split in the top-m PCA directions instead of all d (0, the default, = off); search is
   * unchanged (normals are lifted back to d). Measured at 1M × 384 (synthetic, 16 trees,
   * searchK 16 000, seeds 1–3): m = 128 built in 128 s vs 132–155 s with full splits, but
   * recall was 0.947 ± 0.008 vs 0.950 ± 0.004, and m = 64 / 96 lost 0.02–0.04. Off until a
   * data set with a steeper spectrum (real embeddings) shows a win.
   */
  routingDims?: number;
  /**
   * Each subtree chunk of a tree's node layout on a page of its own instead of filling pages with
   * the next chunks (build-tree.ts). At 100,000 photos a page below the root then holds one chunk
   * of ~22 nodes (9 KB at 384-d), not ~3 of them (25 KB), of which a descent uses one: what a pack
   * read over HTTP fetches per page. More, smaller pages; the same tree. Default false.
   */
  pagePerChunk?: boolean;
}

export interface BuildControl {
  signal?: SignalLike;
  onProgress?: (treesDone: number, nTrees: number) => void;
  /** Bytes per write transaction. Default 8 MB: short IndexedDB transactions. */
  writeBatchBytes?: number;
  /** Clock in ms; when given, per-tree build times are reported. */
  now?: () => number;
  /**
   * Builds one tree elsewhere (e.g. a worker running buildTreeBlocks). Results must
   * equal buildTreeBlocks(job): the tree's seed comes from the job, not the thread.
   */
  buildTree?: (job: TreeJob) => Promise<TreeBlocks>;
  /** Trees in flight at once when buildTree is given. Default 1. */
  concurrency?: number;
  /** Quantise into SharedArrayBuffers so buildTree can hand rows to workers without copying. */
  sharedRows?: boolean;
}

export interface BuildReport {
  meta: ForestMeta;
  /** Generation replaced by this build, if its blocks were kept (see writeForest's keepPrevious). */
  previousGeneration?: number;
  /** Milliseconds per tree (split + encode; wall time of each tree's job), when a clock was passed. */
  treeMs: number[];
  /** Milliseconds spent validating and quantising before the first tree. */
  prepareMs: number;
}

export interface BuildInput {
  dim: number;
  ids: ArrayLike<number>;
  /** rows × dim floats, row-major; need not be normalised. */
  vectors: Float32Array;
}

/** See ForestBuildOptions.leafSize. */
export const DEFAULT_LEAF_SIZE = 100;

export function resolveOptions(dim: number, o: ForestBuildOptions): Required<ForestBuildOptions> {
  const leafSize = o.leafSize ?? (o.leafCapacity === undefined ? DEFAULT_LEAF_SIZE : Math.min(DEFAULT_LEAF_SIZE, Math.floor(o.leafCapacity * 0.65)));
  const leafCapacity = o.leafCapacity ?? Math.max(8, Math.ceil(leafSize * 1.55));
  const nTrees = o.nTrees ?? 10;
  if (!Number.isInteger(nTrees) || nTrees < 1 || nTrees > 255) throw new InvalidArgumentError(`nTrees must be an integer from 1 to 255, got ${nTrees}.`);
  if (!Number.isInteger(leafSize) || leafSize < 1 || leafSize > leafCapacity || leafCapacity > 65535) {
    throw new InvalidArgumentError(`leafSize (${leafSize}) must be an integer from 1 to leafCapacity (${leafCapacity} ≤ 65535).`);
  }
  const routingDims = o.routingDims ?? 0;
  if (!Number.isInteger(routingDims) || routingDims < 0) throw new InvalidArgumentError(`routingDims must be 0 (off) or a positive integer, got ${routingDims}.`);
  return { nTrees, leafSize, leafCapacity, seed: (o.seed ?? 1) >>> 0, split: o.split ?? 'two-means', routingDims: routingDims < dim ? routingDims : 0, pagePerChunk: o.pagePerChunk ?? false };
}

export async function buildForest(store: BlockStore, input: BuildInput, options: ForestBuildOptions = {}, control: BuildControl = {}): Promise<BuildReport> {
  const { dim, vectors } = input;
  if (!Number.isInteger(dim) || dim < 1) throw new InvalidArgumentError(`dim must be a positive integer, got ${dim}.`);
  const n = input.ids.length;
  const t0 = control.now?.() ?? 0;
  const ids = checkIds(input.ids);
  checkRows(vectors, dim, n);
  const alloc = (bytes: number): ArrayBufferLike => (control.sharedRows ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const codes = new Int8Array(alloc(n * dim)), scales = new Float32Array(alloc(n * 4)), half = new Uint16Array(n * dim);
  halfRows(vectors, dim, half, codes, scales);
  const prepareMs = (control.now?.() ?? 0) - t0;
  const report = await writeForest(store, { codes, scales, dim }, half, ids, options, control);
  return { ...report, prepareMs };
}

/**
 * Builds from vectors already stored as float16 (`half`, what the vector blocks hold) and the
 * int8 rows the splits read (halfRows makes both; rebuild reads float16 back from the blocks).
 * keepPrevious leaves the old generation's blocks for the caller to delete once
 * no search still reads them.
 */
export async function writeForest(store: BlockStore, rows: Rows, half: Uint16Array, ids: Uint32Array, options: ForestBuildOptions, control: BuildControl, keepPrevious = false): Promise<BuildReport> {
  const o = resolveOptions(rows.dim, options);
  const d = rows.dim, n = ids.length;
  const previous = await readMeta(store);
  const g = previous ? previous.generation + 1 : 1;
  const batch = new WriteBatcher(store, control.writeBatchBytes ?? 8 << 20);
  const treeMs: number[] = new Array<number>(o.nTrees).fill(0);
  const build = control.buildTree ?? ((job: TreeJob) => Promise.resolve(buildTreeBlocks(job, control.signal)));
  let routing: Routing | undefined;
  const alloc = (bytes: number): ArrayBufferLike => (control.sharedRows ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  // Sketches are centred on the mean of the stored vectors (a forest built empty has none: zeros).
  const centroid = centroidOfHalves(half, n, d);
  const sketches = new SketchRows(d, n);
  new SketchSpace(d, centroid, rotationSeed(o.seed)).sketchHalves(half, 0, n, sketches, 0);
  if (o.routingDims > 0 && n > o.leafSize) {
    const basis = principalBasis(rows, o.routingDims, createRng(mixSeed(o.seed, 0x9ca)));
    routing = { rows: projectRows(rows, basis, o.routingDims, alloc), basis };
  }
  const jobs = Array.from({ length: o.nTrees }, (_, t): TreeJob => ({ t, generation: g, rows, seed: o.seed, leafSize: o.leafSize, split: o.split, routing, pagePerChunk: o.pagePerChunk }));
  // Up to `concurrency` trees in flight; each tree's blocks are written as soon as it is done.
  let next = 0, done = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      throwIfAborted(control.signal);
      const job = jobs[next++];
      const start = control.now?.() ?? 0;
      const tree = await build(job);
      treeMs[job.t] = (control.now?.() ?? 0) - start;
      for (const put of tree.puts) await batch.add(put.key, put.bytes);
      control.onProgress?.(++done, o.nTrees);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, control.concurrency ?? 1) }, lane));
  // Each vector and each sketch once (leaves refer to them by slot).
  for (let i = 0; i < n; i++) await batch.add(vectorKey(g, i), encodeVector(half, i, d));
  await batch.add(centroidKey(g), encodeCentroid(centroid));
  for (let p = 0; p * SKETCH_PAGE < n; p++) await batch.add(sketchKey(g, p), encodeSketchPage(sketches, n, p));
  for (let p = 0; p * SLOT_PAGE < n; p++) await batch.add(slotKey(g, p), encodeSlots(ids, p));
  await batch.flush();
  const meta: ForestMeta = {
    generation: g, dim: d, nTrees: o.nTrees, leafSize: o.leafSize, leafCapacity: o.leafCapacity, split: o.split, seed: o.seed,
    slotCount: n, liveCount: n, deadInLeaves: 0, builtCount: n, addedSinceBuild: 0, mutations: 0,
  };
  // The commit point: until META_KEY names generation g, readers see the old forest.
  await store.write([{ key: META_KEY, bytes: encodeMeta(meta) }]);
  if (previous && !keepPrevious) await store.deletePrefix(genPrefix(previous.generation));
  return { meta, treeMs, prepareMs: 0, previousGeneration: keepPrevious ? previous?.generation : undefined };
}

class WriteBatcher {
  private puts: BlockWrite[] = [];
  private bytes = 0;
  constructor(private readonly store: BlockStore, private readonly limit: number) {}

  async add(key: string, bytes: Uint8Array): Promise<void> {
    this.puts.push({ key, bytes });
    this.bytes += bytes.byteLength;
    if (this.bytes >= this.limit) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.puts.length) return;
    const puts = this.puts;
    this.puts = [];
    this.bytes = 0;
    await this.store.write(puts);
  }
}
