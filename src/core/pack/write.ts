// Analysed photos → a pack (format.ts), with no file system, hash or zlib of its own, so the pack
// command (scripts/pack/write-pack.ts: node:crypto, node:zlib, files) and a browser worker
// (SubtleCrypto, CompressionStream) write the same format. Both forests are built in memory with the
// app's own forest code, each leaf's sketch rows stored beside it (a reader over HTTP opens with
// sketchInLeaves and reads no sketch table), the lexical index split (a head part, directory pages,
// one postings part read by Range: src/core/text/lexical-split.ts), rows in pages in one part read
// by Range (with an index of their lengths), one part per thumbnail. Each forest's blocks sit back
// to back in one part (format.ts blockLayout) with an index of their lengths, so pack.json stays small;
// its slot→id table is a small part of its own (slots.ts).
import { throwIfAborted, type SignalLike } from '../errors.ts';
import { writeForest } from '../forest/build.ts';
import { checkIds } from '../forest/ids.ts';
import { checkRows, halfRows } from '../forest/vector-math.ts';
import { readMeta } from '../forest/forest-open.ts';
import { decodeLeaf } from '../forest/leaf-codec.ts';
import { decodeDir } from '../forest/meta-codec.ts';
import { decodeSlots } from '../forest/meta-codec.ts';
import { dirKey, leafKey } from '../forest/store.ts';
import { leafRowsBlocks } from '../forest/leaf-rows.ts';
import { MemoryBlockStore } from '../forest/memory-store.ts';
import type { PhotoFields } from '../photo/fields.ts';
import { FULL_OPTIONS, LexicalIndex } from '../text/index.ts';
import { splitLexical } from '../text/lexical-split.ts';
import { utf8 } from './utf8.ts';
import { encodeSlotIds } from './slots.ts';
import { blockKind, blockLayout, lengthsIndex, openBlockCount, PACK_FORMAT, PACK_VERSION, rowPageBytes, ROWS_PER_PAGE, type PackForest, type PackManifest, type PackRow } from './format.ts';

/** One analysed photo: its per-photo fields (rows take addedAt from takenAt), vectors, WebP thumbnail and the models that made them. */
export interface PackItem extends Omit<PhotoFields, 'addedAt' | 'takenAt'> {
  takenAt: number;
  text: PackVector;
  visual: PackVector;
  /** The WebP bytes, or a part the caller has already stored (a library file keeps its thumbnails in its chunks). */
  thumb: Uint8Array | StoredPart;
  models: { captioner: string; embedder: string };
}

/**
 * A vector as floats, or as int8 codes × their unit scale (a library's stored rows: a quarter of
 * the floats' size while a library file's pack waits for all its photos; read as codes[k]·unitScale).
 */
export type PackVector = Float32Array | { codes: Int8Array; unitScale: number };

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

const dimOf = (v: PackVector): number => (v instanceof Float32Array ? v.length : v.codes.length);

/** What a forest stores of its rows: float16 (the vector blocks) and the int8 rows its splits read (vector-math.ts halfRows). */
interface Halved {
  half: Uint16Array;
  codes: Int8Array;
  scales: Float32Array;
}

/** Rows to float16 and int8 as buildForest makes them, checked as it checks them, from a row-major float array. */
function halvedFlat(flat: Float32Array, dim: number, n: number): Halved {
  checkRows(flat, dim, n);
  const h = { half: new Uint16Array(n * dim), codes: new Int8Array(n * dim), scales: new Float32Array(n) };
  halfRows(flat, dim, h.half, h.codes, h.scales);
  return h;
}

/** The same, a row at a time (one row of floats, not a float copy of all rows: 31 MB at 10,000 × 768). */
function halvedRows(rows: readonly PackVector[], dim: number): Halved {
  const n = rows.length;
  const h = { half: new Uint16Array(n * dim), codes: new Int8Array(n * dim), scales: new Float32Array(n) };
  const row = new Float32Array(dim);
  rows.forEach((r, i) => {
    if (dimOf(r) !== dim) throw new Error(`vector ${i + 1} has ${dimOf(r)} dimensions, the first has ${dim}`);
    if (r instanceof Float32Array) row.set(r);
    else for (let k = 0; k < dim; k++) row[k] = r.codes[k]! * r.unitScale;
    checkRows(row, dim, 1, `Vector ${i + 1}`);
    halfRows(row, dim, h.half, h.codes, h.scales, i);
  });
  return h;
}

/**
 * Row indices in the leaf order of one tree built over `flat` (a scratch build, a tenth of the
 * forest's work): rows near each other in space come out near each other. The forest is then built
 * with its rows in this order, so slots follow it and a query's candidates' vectors (its nearest
 * rows) lie together in the vectors part: a few ranges bring them, not one each (bench:pack
 * --trace: ~100 vector ranges a query with slots in path order).
 */
export async function spatialOrder(flat: Float32Array, dim: number, n: number, signal?: SignalLike): Promise<Uint32Array> {
  return orderOf(halvedFlat(flat, dim, n), dim, n, signal);
}

async function orderOf(h: Halved, dim: number, n: number, signal: SignalLike | undefined): Promise<Uint32Array> {
  const scratch = new MemoryBlockStore();
  await writeForest(scratch, { codes: h.codes, scales: h.scales, dim }, h.half, Uint32Array.from({ length: n }, (_, i) => i + 1), { seed: 2, nTrees: 1 }, { signal });
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

type RowArray = Float32Array | Uint16Array | Int8Array;

/** Puts row order[i] of `a` (rows of `dim` values) at row i, in place (one row of scratch, not a second copy of the rows). */
export function permuteRows(a: RowArray, dim: number, order: Uint32Array): void {
  const done = new Uint8Array(order.length);
  const rows = a as Float32Array; // the same methods on every kind; this names one for the checker
  const row = rows.slice(0, dim);
  for (let start = 0; start < order.length; start++) {
    if (done[start]) continue;
    row.set(rows.subarray(start * dim, (start + 1) * dim));
    let j = start;
    for (;;) {
      done[j] = 1;
      const from = order[j]!;
      if (from === start) {
        rows.set(row, j * dim);
        break;
      }
      rows.copyWithin(j * dim, from * dim, (from + 1) * dim);
      j = from;
    }
  }
}

/** Concatenates `chunks`, dropping each from the array once copied: their bytes are then held about once, not twice. */
function concatTaking(chunks: (Uint8Array | undefined)[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c!.byteLength;
  const out = new Uint8Array(n);
  let at = 0;
  chunks.forEach((c, i) => {
    out.set(c!, at);
    at += c!.byteLength;
    chunks[i] = undefined;
  });
  return out;
}

/**
 * The forest over `rows`, slots in spatial order, built in memory from what it stores of them
 * (float16 and int8, made a row at a time and put in that order in place): as buildForest would
 * build it from the rows as floats in that order, without ever holding them all as floats.
 */
async function buildInOrder(rows: readonly PackVector[], dim: number, ids: readonly number[], signal: SignalLike | undefined): Promise<MemoryBlockStore> {
  const h = halvedRows(rows, dim);
  const order = await orderOf(h, dim, rows.length, signal);
  permuteRows(h.half, dim, order);
  permuteRows(h.codes, dim, order);
  permuteRows(h.scales, 1, order);
  const store = new MemoryBlockStore();
  await writeForest(store, { codes: h.codes, scales: h.scales, dim }, h.half, checkIds(Array.from(order, (i) => ids[i]!)), { seed: 1, pagePerChunk: true }, { signal });
  throwIfAborted(signal);
  await store.write(await leafRowsBlocks(store));
  return store;
}
/** The blocks of `store` a pack keeps, sorted out by kind (the store itself is not kept, so each block goes once copied). */
function takeBlocks(store: MemoryBlockStore): { blocks: Map<string, Uint8Array>; plain: string[]; runs: Record<string, number>; vectors: (Uint8Array | undefined)[]; generation: number; slotPages: Uint8Array[] } {
  const blocks = new Map<string, Uint8Array>();
  const slotPages: Uint8Array[] = [];
  const plain: string[] = [];
  const runs: Record<string, number> = {};
  const vectors: (Uint8Array | undefined)[] = [];
  let generation = 0;
  for (const key of store.keys().sort()) {
    // The sketch table stays out: its rows are in the leaf rows blocks.
    if (/\/k\//.test(key)) continue;
    // The slot pages go as one small part of ids (slots.ts), not as blocks.
    const s = /^g\d+\/s\/(\d+)$/.exec(key);
    if (s) {
      slotPages[Number(s[1])] = store.raw(key)!;
      continue;
    }
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
  return { blocks, plain, runs, vectors, generation, slotPages };
}

/** Slot→id of the first `n` slots, from the forest's slot pages. */
function slotIds(pages: readonly Uint8Array[], generation: number, n: number): Uint32Array {
  const ids = new Uint32Array(n);
  for (let p = 0, at = 0; at < n; p++) {
    if (!pages[p]) throw new Error(`slot page ${p} is missing`);
    const page = decodeSlots(`g${generation}/s/${p}`, pages[p]);
    const take = Math.min(page.length, n - at);
    ids.set(page.subarray(0, take), at);
    at += take;
  }
  return ids;
}

async function packForest(parts: Parts, w: PackWriter, ids: number[], rows: readonly PackVector[]): Promise<PackForest> {
  const { deflateRaw, signal } = w;
  const n = rows.length;
  const dim = n === 0 ? 0 : dimOf(rows[0]!);
  const { blocks, plain, runs, vectors, generation, slotPages } = takeBlocks(await buildInOrder(rows, dim, ids, signal));
  const slots = await parts.put(await deflateRaw(encodeSlotIds(slotIds(slotPages, generation, n))));
  const layout = blockLayout({ plain, runs });
  const missing = layout.find((k) => !blocks.has(k));
  if (missing !== undefined || layout.length !== blocks.size) throw new Error(`forest blocks are not numbered 0…n-1 (${missing ?? 'extra blocks'})`);
  const laid: (Uint8Array | undefined)[] = layout.map((k) => blocks.get(k)!);
  blocks.clear();
  const lengths = laid.map((b) => b!.byteLength);
  let open = 0;
  for (const b of lengths.slice(0, openBlockCount(layout))) open += b;
  const packed = { part: await parts.put(concatTaking(laid)), index: await parts.put(await deflateRaw(lengthsIndex(lengths))), open, plain, runs, slots };
  if (vectors.length !== n || vectors.some((b) => b === undefined)) throw new Error('vector slots are not 0…n-1');
  const blockBytes = vectors[0]?.byteLength ?? 0;
  vectors.forEach((b, slot) => {
    if (b!.byteLength !== blockBytes) throw new Error(`vector block ${slot} is ${b!.byteLength} bytes, not ${blockBytes}`);
  });
  return { dim, blocks: packed, vectors: { part: await parts.put(concatTaking(vectors)), generation, blockBytes, count: n } };
}

/** The rows part and its index (and each photo's record into `lexical`); the rows themselves are let go on return. */
async function putRows(parts: Parts, items: readonly PackItem[], ids: readonly number[], lexical: LexicalIndex, deflateRaw: DeflateRaw): Promise<PackManifest['rows']> {
  const rows: PackRow[] = [];
  for (const [i, it] of items.entries()) {
    lexical.add(ids[i]!, it.record);
    const { text: _t, visual: _v, thumb, models: _m, ...row } = it;
    rows.push({ ...row, id: ids[i]!, addedAt: it.takenAt, thumb: thumb instanceof Uint8Array ? await parts.put(thumb) : parts.stored(thumb) });
  }
  const pages: (Uint8Array | undefined)[] = [];
  for (let p = 0; p * ROWS_PER_PAGE < rows.length; p++) pages.push(rowPageBytes(await deflateRaw(utf8(JSON.stringify(rows.slice(p * ROWS_PER_PAGE, (p + 1) * ROWS_PER_PAGE))))));
  const index = await deflateRaw(lengthsIndex(pages.map((p) => p!.byteLength)));
  const count = pages.length;
  return { part: await parts.put(concatTaking(pages)), index: await parts.put(index), pages: count };
}

/** Writes every part of the pack of `work` to `w.sink` and returns its manifest (the caller stores it as pack.json). */
export async function buildPack(work: readonly PackItem[], w: PackWriter): Promise<PackManifest> {
  // Ids follow paths, not the text forest's slots (which would make its slot table 1, 2, 3 …):
  // bench:pack's records cycle the captions, so path order made keyword postings periodic and
  // deflate took them from 3.8 MB to 207 KB; in slot order a query's postings grew 46 → 280 KB.
  const items = orderItems(work);
  if (items.length === 0) throw new Error('No analysed photos: nothing to pack.');
  const models = items[0]!.models;
  const other = items.find((i) => i.models.captioner !== models.captioner || i.models.embedder !== models.embedder);
  if (other) throw new Error(`${other.path} was analysed with other models (${other.models.captioner}, ${other.models.embedder}) than ${items[0]!.path}; delete the work folder and pack again.`);
  const parts = new Parts(w.sink);
  const ids = items.map((_, i) => i + 1);
  const lexical = new LexicalIndex(FULL_OPTIONS);
  const rowsRef = await putRows(parts, items, ids, lexical, w.deflateRaw);
  throwIfAborted(w.signal);
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
