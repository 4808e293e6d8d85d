// Analysed photos → a pack (format.ts), with no file system, hash or zlib of its own, so the pack
// command (scripts/pack/write-pack.ts: node:crypto, node:zlib, files) and a browser worker
// (SubtleCrypto, CompressionStream) write the same format. Both forests are built in memory with the
// app's own forest code, each leaf's sketch rows stored beside it (a reader over HTTP opens with
// sketchInLeaves and reads no sketch table), the lexical index split (a head part, directory pages,
// one postings part read by Range: src/core/text/lexical-split.ts), rows in pages in one part read
// by Range (with an index of their lengths), one part per thumbnail. Each forest's blocks sit back
// to back in one part (format.ts blockLayout) with an index of their lengths, so pack.json stays small.
import { throwIfAborted, type SignalLike } from '../errors.ts';
import { buildForest } from '../forest/build.ts';
import { readMeta } from '../forest/forest-open.ts';
import { decodeLeaf } from '../forest/leaf-codec.ts';
import { decodeDir } from '../forest/meta-codec.ts';
import { dirKey, leafKey } from '../forest/store.ts';
import { leafRowsBlocks } from '../forest/leaf-rows.ts';
import { MemoryBlockStore } from '../forest/memory-store.ts';
import type { PhotoFields } from '../photo/fields.ts';
import { FULL_OPTIONS, LexicalIndex } from '../text/index.ts';
import { splitLexical } from '../text/lexical-split.ts';
import { utf8 } from './utf8.ts';
import { blockKind, blockLayout, lengthsIndex, openBlockCount, PACK_FORMAT, PACK_VERSION, rowPageBytes, ROWS_PER_PAGE, type PackForest, type PackManifest, type PackRow } from './format.ts';

/** One analysed photo: its per-photo fields (rows take addedAt from takenAt), vectors, WebP thumbnail and the models that made them. */
export interface PackItem extends Omit<PhotoFields, 'addedAt' | 'takenAt'> {
  takenAt: number;
  text: Float32Array;
  visual: Float32Array;
  /** The WebP bytes, or a part the caller has already stored (a library file keeps its thumbnails in its chunks). */
  thumb: Uint8Array | StoredPart;
  models: { captioner: string; embedder: string };
}

/** A part stored by the caller: its name (SHA-256 hex) and size. */
export interface StoredPart {
  part: string;
  bytes: number;
}

/** Where parts go: stores `bytes` as the part named by their SHA-256 (hex), returns that name. Storing one twice must be harmless. */
export interface PartSink {
  put(bytes: Uint8Array): Promise<string>;
}

/** Raw deflate (no zlib header), sync or async: node:zlib deflateRawSync or CompressionStream('deflate-raw'). */
export type DeflateRaw = (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>;

export interface PackWriter {
  sink: PartSink;
  deflateRaw: DeflateRaw;
  /** Stops the build (AbortError), the forests' builds too: at 10,000 photos they are most of its time. */
  signal?: SignalLike;
}

/** Same photos in, same pack out: items are ordered by path (then hash), ids follow that order. */
export function orderItems<T extends PackItem>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.sha256 < b.sha256 ? -1 : 1));
}

/** The sink, counting the bytes of distinct parts (manifest.bytes). Parts are put one at a time, in a fixed order. */
class Parts {
  bytes = 0;
  private readonly seen = new Set<string>();
  constructor(private readonly sink: PartSink) {}
  async put(bytes: Uint8Array): Promise<string> {
    const hash = await this.sink.put(bytes);
    if (!this.seen.has(hash)) this.bytes += bytes.byteLength;
    this.seen.add(hash);
    return hash;
  }
  /** Counts a part the caller stored itself. */
  stored(p: StoredPart): string {
    if (!this.seen.has(p.part)) this.bytes += p.bytes;
    this.seen.add(p.part);
    return p.part;
  }
}

function concatRows(rows: readonly Float32Array[], dim: number): Float32Array {
  const flat = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => flat.set(r, i * dim));
  return flat;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.byteLength;
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Row indices in the leaf order of one tree built over `flat` (a scratch build, a tenth of the
 * forest's work): rows near each other in space come out near each other. The forest is then built
 * with its rows in this order, so slots follow it and a query's candidates' vectors (its nearest
 * rows) lie together in the vectors part: a few ranges bring them, not one each (bench:pack
 * --trace: ~100 vector ranges a query with slots in path order).
 */
export async function spatialOrder(flat: Float32Array, dim: number, n: number, signal?: SignalLike): Promise<Uint32Array> {
  const scratch = new MemoryBlockStore();
  await buildForest(scratch, { dim, ids: Uint32Array.from({ length: n }, (_, i) => i + 1), vectors: flat }, { seed: 2, nTrees: 1 }, { signal });
  const g = (await readMeta(scratch))!.generation;
  const dir = decodeDir(dirKey(g, 0), scratch.raw(dirKey(g, 0))!);
  const order = new Uint32Array(n);
  let at = 0;
  for (let l = 0; l < dir.leafCount; l++) {
    // A fresh build's slot i is row i; leaves are numbered depth first, so neighbouring leaves are near in space too.
    const leaf = decodeLeaf(leafKey(g, 0, l), scratch.raw(leafKey(g, 0, l))!, dim);
    order.set(leaf.slots, at);
    at += leaf.count;
  }
  if (at !== n) throw new Error(`the scratch tree holds ${at} rows, not ${n}`);
  return order;
}

async function packForest(parts: Parts, w: PackWriter, ids: number[], rows: Float32Array[]): Promise<PackForest> {
  const { deflateRaw, signal } = w;
  const dim = rows[0]?.length ?? 0;
  const store = new MemoryBlockStore();
  const order = await spatialOrder(concatRows(rows, dim), dim, rows.length, signal);
  await buildForest(store, { dim, ids: Array.from(order, (i) => ids[i]!), vectors: concatRows(Array.from(order, (i) => rows[i]!), dim) }, { seed: 1 }, { signal });
  throwIfAborted(signal);
  await store.write(await leafRowsBlocks(store));
  const blocks = new Map<string, Uint8Array>();
  const plain: string[] = [];
  const runs: Record<string, number> = {};
  const vectors: Uint8Array[] = [];
  let generation = 0;
  for (const key of store.keys().sort()) {
    // The sketch table stays out: its rows are in the leaf rows blocks.
    if (/\/k\//.test(key)) continue;
    const v = /^g(\d+)\/v\/(\d+)$/.exec(key);
    if (v) {
      generation = Number(v[1]);
      vectors[Number(v[2])] = store.raw(key)!;
      continue;
    }
    blocks.set(key, store.raw(key)!);
    const [kind, n] = blockKind(key);
    if (n === undefined) plain.push(key);
    else runs[kind] = Math.max(runs[kind] ?? 0, n + 1);
  }
  const layout = blockLayout({ plain, runs });
  const missing = layout.find((k) => !blocks.has(k));
  if (missing !== undefined || layout.length !== blocks.size) throw new Error(`forest blocks are not numbered 0…n-1 (${missing ?? 'extra blocks'})`);
  const laid = layout.map((k) => blocks.get(k)!);
  let open = 0;
  for (const b of laid.slice(0, openBlockCount(layout))) open += b.byteLength;
  const packed = { part: await parts.put(concat(laid)), index: await parts.put(await deflateRaw(lengthsIndex(laid.map((b) => b.byteLength)))), open, plain, runs };
  const blockBytes = vectors[0]?.byteLength ?? 0;
  const all = new Uint8Array(blockBytes * vectors.length);
  vectors.forEach((b, slot) => {
    if (b.byteLength !== blockBytes) throw new Error(`vector block ${slot} is ${b.byteLength} bytes, not ${blockBytes}`);
    all.set(b, slot * blockBytes);
  });
  if (vectors.length !== rows.length || vectors.some((b) => b === undefined)) throw new Error('vector slots are not 0…n-1');
  return { dim, blocks: packed, vectors: { part: await parts.put(all), generation, blockBytes, count: vectors.length } };
}

/** Writes every part of the pack of `work` to `w.sink` and returns its manifest (the caller stores it as pack.json). */
export async function buildPack(work: readonly PackItem[], w: PackWriter): Promise<PackManifest> {
  const items = orderItems(work);
  if (items.length === 0) throw new Error('No analysed photos: nothing to pack.');
  const models = items[0]!.models;
  const other = items.find((i) => i.models.captioner !== models.captioner || i.models.embedder !== models.embedder);
  if (other) throw new Error(`${other.path} was analysed with other models (${other.models.captioner}, ${other.models.embedder}) than ${items[0]!.path}; delete the work folder and pack again.`);
  const parts = new Parts(w.sink);
  const ids = items.map((_, i) => i + 1);
  const lexical = new LexicalIndex(FULL_OPTIONS);
  const rows: PackRow[] = [];
  for (const [i, it] of items.entries()) {
    lexical.add(ids[i]!, it.record);
    const { text: _t, visual: _v, thumb, models: _m, ...row } = it;
    rows.push({ ...row, id: ids[i]!, addedAt: it.takenAt, thumb: thumb instanceof Uint8Array ? await parts.put(thumb) : parts.stored(thumb) });
  }
  throwIfAborted(w.signal);
  const rowPages: Uint8Array[] = [];
  for (let p = 0; p * ROWS_PER_PAGE < rows.length; p++) rowPages.push(rowPageBytes(utf8(JSON.stringify(rows.slice(p * ROWS_PER_PAGE, (p + 1) * ROWS_PER_PAGE)))));
  const rowsRef = { part: await parts.put(concat(rowPages)), index: await parts.put(lengthsIndex(rowPages.map((p) => p.byteLength))), pages: rowPages.length };
  const forests = {
    text: await packForest(parts, w, ids, items.map((i) => i.text)),
    visual: await packForest(parts, w, ids, items.map((i) => i.visual)),
  };
  const head = await splitLexical(lexical, (b) => parts.put(b), { deflate: w.deflateRaw });
  const manifest: PackManifest = {
    format: PACK_FORMAT,
    version: PACK_VERSION,
    count: items.length,
    models,
    forests,
    lexical: await parts.put(utf8(JSON.stringify(head))),
    rows: rowsRef,
    bytes: 0,
  };
  manifest.bytes = parts.bytes;
  return manifest;
}
