// EXPERIMENT (issue 3), bench only: a "slim" leaf layout. Slim leaves hold slots, scales,
// sketch factors and sketch words (no int8 codes, ~60 B/entry at 384-d); each slot's int8
// code is its own IndexedDB record. A query runs the real forest's descent (search.ts),
// reads the slim leaves, keeps the top R entries by sketch estimate, then reads those R
// codes in one transaction and ranks them exactly. Written beside the real blocks, in a
// second database, derived from the real leaf blocks while the pack loads.
import type { ForestState } from '../../src/core/forest/forest-state.ts';
import { TopK } from '../../src/core/forest/heaps.ts';
import { decodeLeaf } from '../../src/core/forest/leaf-codec.ts';
import { TOMBSTONE } from '../../src/core/forest/meta-codec.ts';
import { descend } from '../../src/core/forest/search.ts';
import { SketchTable, sketchWords } from '../../src/core/forest/sketch.ts';
import { dotI8 } from '../../src/core/forest/vector-math.ts';

const SLIM_DB = 'glimpse-forest-slim';
const LEAVES = 'leaves';
const CODES = 'codes';
const LEAF_KEY = /^g\d+\/l\/(\d+)\/(\d+)$/;

const req = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
const done = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });

/** A fresh slim database (the old one, if any, is deleted first). */
export async function openSlimDb(fresh: boolean): Promise<IDBDatabase> {
  if (fresh) await req(indexedDB.deleteDatabase(SLIM_DB) as unknown as IDBRequest<unknown>);
  const open = indexedDB.open(SLIM_DB, 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore(LEAVES);
    open.result.createObjectStore(CODES);
  };
  return req(open);
}

/** Slim block: count u32, slots u32[], scales f32[], factors f32[], sketch words u32[count·w]. */
function slimLeaf(bytes: Uint8Array, dim: number): { slim: ArrayBuffer; codes: Int8Array; slots: Uint32Array; count: number } {
  const b = decodeLeaf('slim', bytes, dim, true);
  const w = sketchWords(dim), c = b.count;
  const out = new ArrayBuffer(4 + c * (12 + 4 * w));
  new Uint32Array(out, 0, 1)[0] = c;
  new Uint32Array(out, 4, c).set(b.slots);
  new Float32Array(out, 4 + 4 * c, c).set(b.scales);
  new Float32Array(out, 4 + 8 * c, c).set(b.factors);
  new Uint32Array(out, 4 + 12 * c, c * w).set(b.sketch);
  return { slim: out, codes: b.codes, slots: b.slots, count: c };
}

/** Derives slim leaves (every tree) and per-slot codes (tree 0 only) from a chunk of pack records; one transaction. */
export async function writeSlim(db: IDBDatabase, puts: readonly { key: string; bytes: Uint8Array }[], dim: number): Promise<number> {
  const leaves: [number[], ArrayBuffer][] = [], codes: [number, ArrayBuffer][] = [];
  let bytes = 0;
  for (const p of puts) {
    const m = LEAF_KEY.exec(p.key);
    if (!m) continue;
    const t = Number(m[1]), l = Number(m[2]);
    const s = slimLeaf(p.bytes, dim);
    leaves.push([[t, l], s.slim]);
    bytes += s.slim.byteLength;
    if (t !== 0) continue;
    for (let e = 0; e < s.count; e++) {
      codes.push([s.slots[e], s.codes.slice(e * dim, (e + 1) * dim).buffer]);
      bytes += dim;
    }
  }
  if (!leaves.length) return 0;
  const tx = db.transaction([LEAVES, CODES], 'readwrite');
  const ls = tx.objectStore(LEAVES), cs = tx.objectStore(CODES);
  for (const [k, v] of leaves) ls.put(v, k);
  for (const [k, v] of codes) cs.put(v, k);
  await done(tx);
  return bytes;
}

interface SlimBlock {
  count: number;
  slots: Uint32Array;
  scales: Float32Array;
  factors: Float32Array;
  sketch: Uint32Array;
  bytes: number;
}

function decodeSlim(buf: ArrayBuffer, dim: number): SlimBlock {
  const c = new Uint32Array(buf, 0, 1)[0], w = sketchWords(dim);
  return {
    count: c,
    slots: new Uint32Array(buf, 4, c),
    scales: new Float32Array(buf, 4 + 4 * c, c),
    factors: new Float32Array(buf, 4 + 8 * c, c),
    sketch: new Uint32Array(buf, 4 + 12 * c, c * w),
    bytes: buf.byteLength,
  };
}

export interface SlimTrace {
  /** Bytes of slim leaves and codes read from IndexedDB (node pages are counted by the store wrapper). */
  bytesRead: number;
  leaves: number;
  entries: number;
  /** Unique live slots whose code was read (≤ R). */
  candidates: number;
  /** The candidate set's slots, for a recall-of-candidates figure. */
  candidateSlots: Int32Array;
  pageFetchRounds: number;
  descentMs: number;
  leavesMs: number;
  codesMs: number;
}

/** Queries one at a time, borrowing the state's dedupe stamps (already in its resident bytes). */
export class SlimSearcher {
  private readonly table: SketchTable;

  constructor(private readonly s: ForestState, private readonly db: IDBDatabase, private readonly chunk: number) {
    this.table = new SketchTable(s.meta.dim);
  }

  residentBytes(): number {
    return this.s.residentBytes() + this.table.table.byteLength;
  }

  async search(query: Float32Array, k: number, searchK: number, nTrees: number, R: number, tr: SlimTrace): Promise<number[]> {
    const s = this.s, d = s.meta.dim, w = sketchWords(d);
    let ss = 0;
    for (let i = 0; i < d; i++) ss += query[i] * query[i];
    const q = new Float32Array(d), inv = 1 / Math.sqrt(ss);
    for (let i = 0; i < d; i++) q[i] = query[i] * inv;
    const t0 = performance.now();
    const desc = await descend(s, q, searchK, nTrees);
    const t1 = performance.now();
    const table = this.table.fill(q);
    if (++s.epoch === 0xffffffff) {
      s.stamps.fill(0);
      s.epoch = 1;
    }
    const epoch = s.epoch, stamps = s.stamps, slotToId = s.slotToId;
    const top = new TopK(R);
    const scaleOf = new Map<number, number>();
    let bytesRead = 0;
    const onBlock = (b: SlimBlock): void => {
      const { slots, scales, factors, sketch } = b;
      for (let a = 0; a < b.count; a++) {
        // A slot brought again by another tree has the same estimate: below the floor now, below it then.
        const est = table.estimate(sketch, factors, a, w);
        if (est <= top.floor()) continue;
        const slot = slots[a];
        if (stamps[slot] === epoch) continue;
        stamps[slot] = epoch;
        if (slotToId[slot] === TOMBSTONE) continue;
        top.push(est, slot);
        scaleOf.set(slot, scales[a]);
      }
    };
    const miss: number[][] = [], missKey: string[] = [];
    for (let i = 0; i < desc.leafId.length; i++) {
      const key = `slim/${desc.leafTree[i]}/${desc.leafId[i]}`;
      const hit = s.cache.get<SlimBlock>(key);
      if (hit) onBlock(hit);
      else {
        miss.push([desc.leafTree[i], desc.leafId[i]]);
        missKey.push(key);
      }
    }
    const reads: Promise<void>[] = [];
    for (let c = 0; c < miss.length; c += this.chunk) {
      const keys = miss.slice(c, c + this.chunk), cacheKeys = missKey.slice(c, c + this.chunk);
      const st = this.db.transaction(LEAVES, 'readonly').objectStore(LEAVES);
      reads.push(
        Promise.all(keys.map((k) => req(st.get(k) as IDBRequest<ArrayBuffer | undefined>))).then((got) =>
          got.forEach((buf, j) => {
            if (!buf) throw new Error(`slim leaf ${cacheKeys[j]} missing`);
            const b = decodeSlim(buf, d);
            bytesRead += b.bytes;
            s.cache.set(cacheKeys[j], b, b.bytes);
            onBlock(b);
          }),
        ),
      );
    }
    await Promise.all(reads);
    const t2 = performance.now();
    const cand = Int32Array.from(top.slots.subarray(0, top.size)).sort();
    const st = this.db.transaction(CODES, 'readonly').objectStore(CODES);
    const codes = await Promise.all(Array.from(cand, (slot) => req(st.get(slot) as IDBRequest<ArrayBuffer | undefined>)));
    const exact = new TopK(k);
    codes.forEach((buf, i) => {
      if (!buf) throw new Error(`code of slot ${cand[i]} missing`);
      bytesRead += buf.byteLength;
      exact.push(dotI8(q, new Int8Array(buf), 0, d) * (scaleOf.get(cand[i]) ?? 0), cand[i]);
    });
    const t3 = performance.now();
    Object.assign(tr, { bytesRead, leaves: desc.leafId.length, entries: desc.entries, candidates: cand.length, candidateSlots: cand, pageFetchRounds: desc.pageFetchRounds, descentMs: t1 - t0, leavesMs: t2 - t1, codesMs: t3 - t2 });
    return exact.order().map((i) => slotToId[exact.slots[i]]);
  }
}
