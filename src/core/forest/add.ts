// Incremental add: descend each tree to a leaf, append, split leaves that
// overflow (same split rule as the build), commit everything in one batch.
import { DuplicateIdError } from './errors.ts';
import type { ForestState } from './forest-state.ts';
import { checkIds } from './ids.ts';
import { TOMBSTONE } from './meta-codec.ts';
import { Mutation } from './mutation.ts';
import { NODES_PER_PAGE, PAGE_SHIFT } from './node-codec.ts';
import { createRng, mixSeed } from './rng.ts';
import { SketchRows } from './sketch-codec.ts';
import { Splitter } from './split.ts';
import { checkQuantized, checkRows, dotI8, halfRows, quantizeHalfRow } from './vector-math.ts';

/** The rows being added: slots from `base` on, and their int8 vectors. */
interface Batch {
  base: number;
  rows: EntryRows;
}

/** Int8 vectors of a leaf's entries, in entry order (what a split needs; leaves do not hold them). */
interface EntryRows {
  codes: Int8Array;
  scales: Float32Array;
}

interface Target {
  /** Parent node ref (−1 if the leaf is the root) and which child the leaf is. */
  parent: number;
  right: boolean;
  rows: number[];
}

export async function addVectors(s: ForestState, idsIn: ArrayLike<number>, vectors: Float32Array): Promise<void> {
  const d = s.meta.dim, n = idsIn.length;
  const ids = checkIds(idsIn);
  checkRows(vectors, d, n);
  return addRows(s, ids, vectors);
}

/**
 * Adds rows given in int8 form: `codes` (n·dim) and per row the scale that makes code × scale
 * unit length (what `vectorsOf` returns, and a library file holds). They are stored as float16 of
 * code × scale, as any added vector is.
 */
export async function addQuantized(s: ForestState, idsIn: ArrayLike<number>, codes: Int8Array, scales: Float32Array): Promise<void> {
  const d = s.meta.dim, n = idsIn.length;
  const ids = checkIds(idsIn);
  checkQuantized(codes, scales, d, n);
  const vectors = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) vectors[i] = codes[i] * scales[Math.floor(i / d)];
  return addRows(s, ids, vectors);
}

async function addRows(s: ForestState, ids: Uint32Array, vectors: Float32Array): Promise<void> {
  const d = s.meta.dim, n = ids.length;
  if (n === 0) return;
  const incoming = new Set(ids);
  for (let slot = 0; slot < s.meta.slotCount; slot++) {
    const id = s.slotToId[slot];
    if (id !== TOMBSTONE && incoming.has(id)) throw new DuplicateIdError(id);
  }
  const codes = new Int8Array(n * d), scales = new Float32Array(n), half = new Uint16Array(n * d);
  halfRows(vectors, d, half, codes, scales);
  // Sketched in the space the forest was built in (its centroid stays as built).
  const sk = new SketchRows(d, n);
  s.space.sketchHalves(half, 0, n, sk, 0);
  const base = s.meta.slotCount;
  const batch: Batch = { base, rows: { codes, scales } };
  const unit = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) unit[i] = codes[i] * scales[Math.floor(i / d)];

  const m = new Mutation(s);
  s.meta.mutations++;
  for (let t = 0; t < s.meta.nTrees; t++) {
    const groups = new Map<number, Target>();
    for (let r = 0; r < n; r++) {
      const { leaf, parent, right } = await descend(m, t, unit.subarray(r * d, r * d + d), base + r);
      const g = groups.get(leaf);
      if (g) g.rows.push(r);
      else groups.set(leaf, { parent, right, rows: [r] });
    }
    for (const [leaf, g] of groups) await place(m, batch, t, leaf, g.parent, g.right, await merged(m, t, leaf, g.rows, batch));
  }
  s.ensureSlots(base + n);
  s.slotToId.set(ids, base);
  s.sketch.setRows(base, sk);
  for (let r = 0; r < n; r += 1) {
    m.touchSlot(base + r);
    m.putVector(base + r, half, r);
  }
  s.meta.slotCount += n;
  s.meta.liveCount += n;
  s.meta.addedSinceBuild += n;
  await m.commit();
}

async function descend(m: Mutation, t: number, x: Float32Array, slot: number): Promise<{ leaf: number; parent: number; right: boolean }> {
  const d = x.length;
  let ref = m.dir(t).root, parent = -1, right = false;
  while (ref >= 0) {
    const page = await m.page(t, ref >> PAGE_SHIFT);
    const i = ref & (NODES_PER_PAGE - 1);
    const margin = dotI8(x, page.normals, i * d, d) * page.scale[i] + page.offset[i];
    parent = ref;
    // Ties only happen on random (duplicate) splits: alternate by slot to keep both sides fed.
    right = margin > 0 || (margin === 0 && (slot & 1) === 1);
    ref = right ? page.right[i] : page.left[i];
  }
  return { leaf: ~ref, parent, right };
}

/** The leaf's live slots plus the new rows' (tombstones purged for free). */
async function merged(m: Mutation, t: number, leaf: number, rows: readonly number[], batch: Batch): Promise<Uint32Array> {
  const ids = m.s.slotToId, slotCount = m.s.meta.slotCount;
  const old = (await m.leaf(t, leaf)).slots;
  const out = new Uint32Array(old.length + rows.length);
  let n = 0;
  // Slots ≥ slotCount belong to this batch (not in slotToId yet) and are live. A plain loop: a
  // filter callback per entry cost about a fifth of an add at 1M.
  for (let i = 0; i < old.length; i++) {
    const slot = old[i];
    if (slot >= slotCount || ids[slot] !== TOMBSTONE) out[n++] = slot;
  }
  m.s.meta.deadInLeaves = Math.max(0, m.s.meta.deadInLeaves - (old.length - n));
  for (const r of rows) out[n++] = batch.base + r;
  return n === out.length ? out : out.slice(0, n);
}

/** Writes the leaf, splitting it (recursively) while it exceeds the leaf capacity. `rows`: its entries' vectors, once read. */
async function place(m: Mutation, batch: Batch, t: number, leaf: number, parent: number, right: boolean, slots: Uint32Array, rows?: EntryRows): Promise<void> {
  const s = m.s, d = s.meta.dim, n = slots.length;
  if (n <= s.meta.leafCapacity) {
    m.setLeaf(t, leaf, slots);
    return;
  }
  const r = rows ?? (await entryRows(m, batch, slots));
  const idx = Uint32Array.from({ length: n }, (_, i) => i);
  const node = await m.allocNode(t, parent >= 0 ? parent >> PAGE_SHIFT : 0);
  const rng = createRng(mixSeed(s.meta.seed, t, leaf, s.meta.mutations, node.ref));
  const split = new Splitter({ codes: r.codes, scales: r.scales, dim: d }, s.meta.split).split(idx, 0, n, rng, node.page.normals, node.i * d);
  node.page.scale[node.i] = split.scale;
  node.page.offset[node.i] = split.offset;
  const newLeaf = m.dir(t).leafCount;
  node.page.left[node.i] = ~leaf;
  node.page.right[node.i] = ~newLeaf;
  if (parent < 0) {
    m.writableDir(t).root = node.ref;
  } else {
    const pp = await m.writablePage(t, parent >> PAGE_SHIFT);
    const pi = parent & (NODES_PER_PAGE - 1);
    if (right) pp.right[pi] = node.ref;
    else pp.left[pi] = node.ref;
  }
  const rightPart = pick(slots, r, idx, split.mid, n, d);
  // Reserve the new leaf id before recursing so nested splits get fresh ids.
  m.setLeaf(t, newLeaf, rightPart.slots);
  const leftPart = pick(slots, r, idx, 0, split.mid, d);
  await place(m, batch, t, leaf, node.ref, false, leftPart.slots, leftPart.rows);
  await place(m, batch, t, newLeaf, node.ref, true, rightPart.slots, rightPart.rows);
}

/** The entries' vectors: this batch's from memory, the others from their vector blocks. */
async function entryRows(m: Mutation, batch: Batch, slots: Uint32Array): Promise<EntryRows> {
  const d = m.s.meta.dim, n = slots.length;
  const out: EntryRows = { codes: new Int8Array(n * d), scales: new Float32Array(n) };
  const stored: number[] = [], at: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = slots[i] - batch.base;
    if (r < 0) {
      stored.push(slots[i]);
      at.push(i);
      continue;
    }
    out.codes.set(batch.rows.codes.subarray(r * d, r * d + d), i * d);
    out.scales[i] = batch.rows.scales[r];
  }
  const vs = await m.s.vectors(stored);
  vs.forEach((v, j) => quantizeHalfRow(v.half, 0, d, out.codes, out.scales, at[j]));
  return out;
}

function pick(slots: Uint32Array, rows: EntryRows, idx: Uint32Array, from: number, to: number, d: number): { slots: Uint32Array; rows: EntryRows } {
  const n = to - from;
  const out: EntryRows = { codes: new Int8Array(n * d), scales: new Float32Array(n) }, picked = new Uint32Array(n);
  for (let j = 0; j < n; j++) {
    const i = idx[from + j];
    picked[j] = slots[i];
    out.codes.set(rows.codes.subarray(i * d, i * d + d), j * d);
    out.scales[j] = rows.scales[i];
  }
  return { slots: picked, rows: out };
}
