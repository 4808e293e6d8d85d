// A batch of changes to one forest: copy-on-write pages and leaves, new and deleted vector
// blocks, committed in a single store.write (one IndexedDB transaction), then swapped into the cache.
import type { ForestState } from './forest-state.ts';
import { decodeLeaf, encodeLeaf, type LeafBlock } from './leaf-codec.ts';
import { encodeSketchPage, SKETCH_PAGE } from './sketch-codec.ts';
import { encodeDir, encodeMeta, encodeSlots, SLOT_PAGE, type TreeDir } from './meta-codec.ts';
import { clonePage, decodePage, emptyPage, encodePage, NODES_PER_PAGE, PAGE_SHIFT, type NodePage } from './node-codec.ts';
import { dirKey, leafKey, META_KEY, pageKey, sketchKey, slotKey, vectorKey, type BlockWrite } from './store.ts';
import { encodeVector } from './vector-codec.ts';
import { residentPage } from './resident.ts';

export class Mutation {
  private readonly pages = new Map<string, { t: number; p: number; page: NodePage }>();
  /** Sealed new leaf blocks by key. */
  private readonly leafWrites = new Map<string, { block: LeafBlock; bytes: Uint8Array }>();
  /** Copy-on-write tree directories: searches keep seeing the committed ones until commit(). */
  private readonly dirs = new Map<number, TreeDir>();
  private readonly dirtySlotPages = new Set<number>();
  /** New vector blocks by slot, and slots whose vector block goes (deleted ids). */
  private readonly vectorWrites = new Map<number, Uint8Array>();
  private readonly vectorDeletes = new Set<number>();
  private readonly dirtySketchPages = new Set<number>();

  constructor(readonly s: ForestState) {}

  /** The tree's directory as this mutation sees it (a private copy once anything changes). */
  dir(t: number): TreeDir {
    return this.dirs.get(t) ?? this.s.dirs[t];
  }

  writableDir(t: number): TreeDir {
    let d = this.dirs.get(t);
    if (!d) {
      const c = this.s.dirs[t];
      d = { root: c.root, pageCount: c.pageCount, leafCount: c.leafCount, leafSizes: c.leafSizes.slice() };
      this.dirs.set(t, d);
    }
    return d;
  }

  async page(t: number, p: number): Promise<NodePage> {
    return this.pages.get(pageKey(this.s.meta.generation, t, p))?.page ?? (await this.s.page(t, p));
  }

  async writablePage(t: number, p: number): Promise<NodePage> {
    const key = pageKey(this.s.meta.generation, t, p);
    const mine = this.pages.get(key);
    if (mine) return mine.page;
    const page = p < this.dir(t).pageCount ? clonePage(await this.s.page(t, p), this.s.meta.dim) : emptyPage(this.s.meta.dim);
    this.pages.set(key, { t, p, page });
    return page;
  }

  /** A free node slot, preferably in `nearPage` (the parent's) so descents stay local. */
  async allocNode(t: number, nearPage: number): Promise<{ ref: number; page: NodePage; i: number }> {
    const dir = this.dir(t);
    for (const p of [nearPage, dir.pageCount - 1]) {
      if (p < 0 || p >= dir.pageCount) continue;
      if ((await this.page(t, p)).used < NODES_PER_PAGE) {
        const page = await this.writablePage(t, p);
        return { ref: (p << PAGE_SHIFT) + page.used, page, i: page.used++ };
      }
    }
    const p = dir.pageCount;
    const page = emptyPage(this.s.meta.dim);
    this.pages.set(pageKey(this.s.meta.generation, t, p), { t, p, page });
    this.writableDir(t).pageCount++;
    return { ref: p << PAGE_SHIFT, page, i: page.used++ };
  }

  async leaf(t: number, l: number): Promise<LeafBlock> {
    return this.leafWrites.get(leafKey(this.s.meta.generation, t, l))?.block ?? (await this.s.leaves([t], [l]))[0];
  }

  /** Replaces leaf l with these slots. */
  setLeaf(t: number, l: number, slots: Uint32Array): void {
    const dir = this.writableDir(t);
    if (l >= dir.leafSizes.length) {
      const bigger = new Uint16Array(Math.max(l + 1, dir.leafSizes.length * 2));
      bigger.set(dir.leafSizes);
      dir.leafSizes = bigger;
    }
    dir.leafCount = Math.max(dir.leafCount, l + 1);
    dir.leafSizes[l] = slots.length;
    const bytes = encodeLeaf(slots, slots.length);
    this.leafWrites.set(leafKey(this.s.meta.generation, t, l), { block: decodeLeaf('new', bytes, this.s.meta.dim, true), bytes });
  }

  /** Stores the vector of a new slot (row `row` of float16 `half`); its sketch is already in the table. */
  putVector(slot: number, half: Uint16Array, row: number): void {
    this.vectorWrites.set(slot, encodeVector(half, row, this.s.meta.dim));
    this.dirtySketchPages.add(Math.floor(slot / SKETCH_PAGE));
  }

  /** Drops a deleted slot's vector: search never reads a tombstoned slot's vector. */
  deleteVector(slot: number): void {
    this.vectorDeletes.add(slot);
  }

  touchSlot(slot: number): void {
    this.dirtySlotPages.add(Math.floor(slot / SLOT_PAGE));
  }

  /** Writes everything in one batch, then updates cached copies that are already resident. */
  async commit(): Promise<void> {
    const s = this.s, g = s.meta.generation, d = s.meta.dim;
    const puts: BlockWrite[] = [];
    for (const [key, { bytes }] of this.leafWrites) puts.push({ key, bytes });
    const pageBytes = new Map<string, Uint8Array>();
    for (const [key, { page }] of this.pages) {
      const bytes = encodePage(page, d);
      pageBytes.set(key, bytes);
      puts.push({ key, bytes });
    }
    for (const [t, dir] of this.dirs) puts.push({ key: dirKey(g, t), bytes: encodeDir(dir) });
    for (const p of this.dirtySlotPages) puts.push({ key: slotKey(g, p), bytes: encodeSlots(s.slotToId.subarray(0, s.meta.slotCount), p) });
    for (const [slot, bytes] of this.vectorWrites) puts.push({ key: vectorKey(g, slot), bytes });
    for (const p of this.dirtySketchPages) puts.push({ key: sketchKey(g, p), bytes: encodeSketchPage(s.sketch, s.meta.slotCount, p) });
    const deletes = [...this.vectorDeletes].map((slot) => vectorKey(g, slot));
    puts.push({ key: META_KEY, bytes: encodeMeta(s.meta) });
    await s.store.write(puts, deletes);
    for (const slot of this.vectorWrites.keys()) s.slab.forget(slot);
    for (const slot of this.vectorDeletes) s.slab.forget(slot);
    for (const [t, dir] of this.dirs) s.dirs[t] = dir;

    for (const [key, { bytes }] of this.leafWrites) s.recacheLeaf(key, bytes);
    for (const [key, { t, p }] of this.pages) {
      const bytes = pageBytes.get(key) as Uint8Array;
      if (s.cache.isPinned(key) || s.pinnedPages[t][p]) {
        const page = residentPage(decodePage(key, bytes, d, true));
        s.cache.set(key, page, bytes.byteLength, true);
        s.pinnedPages[t][p] = page;
      } else if (s.cache.peek(key)) s.cache.set(key, residentPage(decodePage(key, bytes, d, true)), bytes.byteLength);
    }
    s.rebudget();
  }
}

