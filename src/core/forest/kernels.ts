// The query's hot loops (node margins, sketch sums, float16 dots) behind one interface: the
// WebAssembly SIMD module of kernels.wat where the runtime has it, else the TypeScript loops.
// Both give the same bits (kernels.wat says why; test/unit/forest-kernels.test.ts checks it),
// so answers never depend on which one ran. The module is ~1 KB and compiled synchronously (fine
// off the main thread and in Node; Chromium allows it on the main thread below 4 KB).
// wasm reads only its own memory: a query is copied in (widened to float64) once per search and
// the table once per fill. Node normals and leaf rows that the forest's cache holds live in that
// memory (resident.ts, through the allocator below), so descent and leaf estimates call the
// kernels on their offsets (dotI8At, signedSumsAt); other rows are copied in as they are scored.
// A search may interleave with another across awaits, so each call names its query or table and
// a copy is redone when it changed.
import { dotHalf as dotHalfTs } from './half.ts';
import { KERNELS_WASM } from './kernels-wasm.ts';
import { unpackAdd, unpackError, type SketchTable } from './sketch.ts';
import { dotI8 as dotI8Ts } from './vector-math.ts';

export interface QueryKernels {
  readonly kind: 'wasm' | 'ts';
  /** Σ q[i]·codes[off+i] (vector-math.ts dotI8). */
  dotI8(q: Float32Array, codes: Int8Array, off: number, d: number): number;
  /** Σ q[i]·half(h[off+i]) (half.ts dotHalf). */
  dotHalf(q: Float32Array, h: Uint16Array, off: number, d: number): number;
  /**
   * out[j] = table.signedSum(rows, idx[j]·stride, w) for j < m. `gather`: rows is a big table
   * and only the m rows named are read (else the whole of rows is, a leaf's own rows).
   */
  signedSums(table: SketchTable, rows: Uint32Array, stride: number, w: number, idx: Uint32Array, m: number, out: Float64Array, gather: boolean): void;
  /**
   * A leaf's estimates and their first bound test (score.ts addRows): for j < m, the row at
   * idx[j]·stride of `rows` (or, with rowsAt ≥ 0, of the rows resident at that byte of the wasm
   * memory) gives est = base + add + rescale·sum and lo = error·errScale; those with
   * est + lo ≥ bar (or NaN) have j written to keep and est to ests, in order. Returns their count.
   */
  estimates(table: SketchTable, rows: Uint32Array | undefined, rowsAt: number, stride: number, w: number, idx: Uint32Array, m: number, errScale: number, bar: number, keep: Uint32Array, ests: Float64Array): number;
  /** Forgets the query copied in: a caller may reuse a query's buffer with other values. Call when a search starts. */
  reset(): void;
}

/** Blocks of the wasm memory (resident.ts keeps node normals and leaf rows in them). */
export interface Arena {
  /** Byte offset of a free block of at least `bytes` (16-aligned; may grow the memory, detaching views of it). */
  alloc(bytes: number): number;
  /** Hands back a block alloc gave for `bytes`. */
  free(at: number, bytes: number): void;
  /** The memory now (a new buffer after each growth). */
  readonly buffer: ArrayBuffer;
  /** Bytes in blocks handed out and not freed (size classes included), scratch regions excluded. */
  readonly liveBytes: number;
}

/** The TypeScript loops: the reference, and the fallback without WebAssembly SIMD. */
export class TsKernels implements QueryKernels {
  readonly kind = 'ts';
  dotI8(q: Float32Array, codes: Int8Array, off: number, d: number): number {
    return dotI8Ts(q, codes, off, d);
  }
  dotHalf(q: Float32Array, h: Uint16Array, off: number, d: number): number {
    return dotHalfTs(q, h, off, d);
  }
  signedSums(table: SketchTable, rows: Uint32Array, stride: number, w: number, idx: Uint32Array, m: number, out: Float64Array): void {
    for (let j = 0; j < m; j++) out[j] = table.signedSum(rows, idx[j] * stride, w);
  }
  estimates(table: SketchTable, rows: Uint32Array | undefined, _rowsAt: number, stride: number, w: number, idx: Uint32Array, m: number, errScale: number, bar: number, keep: Uint32Array, ests: Float64Array): number {
    const r = rows as Uint32Array, f32 = new Float32Array(r.buffer, r.byteOffset, r.length), base = table.base;
    let n = 0;
    for (let j = 0; j < m; j++) {
      const at = idx[j] * stride, packed = r[at + w + 1];
      const est = base + unpackAdd(packed) + f32[at + w] * table.signedSum(r, at, w);
      if (est + unpackError(packed) * errScale < bar) continue;
      keep[n] = j;
      ests[n++] = est;
    }
    return n;
  }
  reset(): void {}
}

interface WasmExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  dotI8(q: number, c: number, d: number): number;
  dotHalf(q: number, h: number, d: number): number;
  signedSums(t: number, rows: number, stride: number, w: number, idx: number, m: number, out: number): void;
  estimates(t: number, rows: number, stride: number, w: number, idx: number, m: number, base: number, errScale: number, bar: number, keep: number, ests: number): number;
}
/** The part of the WebAssembly API used here (the core room's lib has no WebAssembly types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

const PAGE = 65536;
/** Bytes a kernel may read past a region's end (8-byte loads for the last 1–4 elements). */
const PAD = 16;
const align = (n: number): number => (n + 15) & ~15;

/** Capacities of the regions in wasm memory, in elements. */
interface Caps {
  dim: number;
  table: number;
  idx: number;
  rows: number;
}

/**
 * A block's size class: 16-byte steps to 256, then 8 steps per power of two, so a freed block
 * serves any later request of its class (≤ 12.5 % waste); kernels read up to PAD bytes past a row.
 */
export function sizeClass(bytes: number): number {
  const n = align(bytes + PAD);
  if (n <= 256) return n;
  const step = 2 ** (Math.floor(Math.log2(n)) - 3);
  return Math.ceil(n / step) * step;
}

export class WasmKernels implements QueryKernels, Arena {
  readonly kind = 'wasm';
  private readonly x: WasmExports;
  /** The allocator: the first free byte, and freed blocks by size class. */
  private top = 0;
  private readonly freed = new Map<number, number[]>();
  liveBytes = 0;
  /** The block holding the scratch regions below, and its size. */
  private scratchAt = -1;
  private scratchBytes = 0;
  private caps: Caps = { dim: 0, table: 0, idx: 0, rows: 0 };
  // Byte offsets of the regions: query (float64), one row (int8 or float16), table (float32),
  // idx (int32), out (float64), keep (int32), rows (uint32).
  private qAt = 0;
  private rowAt = 0;
  private tAt = 0;
  private idxAt = 0;
  private outAt = 0;
  private keepAt = 0;
  private rowsAt = 0;
  private f64!: Float64Array;
  private f32!: Float32Array;
  private u32!: Uint32Array;
  private u16!: Uint16Array;
  private i8!: Int8Array;
  /** The query and table now in memory (undefined: none). */
  private q: Float32Array | undefined;
  private tableFill = -1;

  constructor(x: WasmExports) {
    this.x = x;
    this.views();
  }

  get buffer(): ArrayBuffer {
    return this.x.memory.buffer;
  }

  alloc(bytes: number): number {
    const c = sizeClass(bytes);
    this.liveBytes += c;
    const list = this.freed.get(c);
    if (list?.length) return list.pop() as number;
    const at = this.top, have = this.x.memory.buffer.byteLength;
    this.top += c;
    if (this.top > have) {
      // Grow by a quarter at least: each growth detaches the views, which are then remade.
      const pages = Math.max(Math.ceil((this.top - have) / PAGE), Math.ceil(have / PAGE / 4));
      this.x.memory.grow(pages);
      this.views();
    }
    return at;
  }

  free(at: number, bytes: number): void {
    const c = sizeClass(bytes);
    this.liveBytes -= c;
    const list = this.freed.get(c);
    if (list) list.push(at);
    else this.freed.set(c, [at]);
  }

  private views(): void {
    const b = this.x.memory.buffer;
    this.f64 = new Float64Array(b);
    this.f32 = new Float32Array(b);
    this.u32 = new Uint32Array(b);
    this.u16 = new Uint16Array(b);
    this.i8 = new Int8Array(b);
  }

  /** Makes room for these counts: regions move (and their contents are forgotten) when one grows. */
  private ensure(dim: number, table: number, idx: number, rows: number): void {
    const c = this.caps;
    if (dim <= c.dim && table <= c.table && idx <= c.idx && rows <= c.rows) return;
    const grow = (need: number, had: number): number => (need <= had ? had : Math.max(need, had * 2));
    this.caps = { dim: grow(dim, c.dim), table: grow(table, c.table), idx: grow(idx, c.idx), rows: grow(rows, c.rows) };
    const k = this.caps;
    // The regions, laid out from 0, then moved into one block of the arena.
    this.qAt = 0;
    this.rowAt = align(this.qAt + 8 * k.dim + PAD);
    this.tAt = align(this.rowAt + 2 * k.dim + PAD);
    this.idxAt = align(this.tAt + 4 * k.table + PAD);
    this.outAt = align(this.idxAt + 4 * k.idx + PAD);
    this.keepAt = align(this.outAt + 8 * k.idx + PAD);
    this.rowsAt = align(this.keepAt + 4 * k.idx + PAD);
    const end = this.rowsAt + 4 * k.rows + PAD;
    if (this.scratchAt >= 0) {
      this.liveBytes += sizeClass(this.scratchBytes);
      this.free(this.scratchAt, this.scratchBytes);
    }
    const at = this.alloc(end);
    // Scratch is not a resident copy: liveBytes counts those only.
    this.liveBytes -= sizeClass(end);
    this.scratchAt = at;
    this.scratchBytes = end;
    this.qAt += at;
    this.rowAt += at;
    this.tAt += at;
    this.idxAt += at;
    this.outAt += at;
    this.keepAt += at;
    this.rowsAt += at;
    this.q = undefined;
    this.tableFill = -1;
  }

  private query(q: Float32Array): void {
    if (q.length > this.caps.dim) this.ensure(q.length, 0, 0, 0);
    if (this.q === q) return;
    this.f64.set(q, this.qAt >>> 3);
    this.q = q;
  }

  reset(): void {
    this.q = undefined;
  }

  dotI8(q: Float32Array, codes: Int8Array, off: number, d: number): number {
    this.query(q);
    this.i8.set(codes.subarray(off, off + d), this.rowAt);
    return this.x.dotI8(this.qAt, this.rowAt, d);
  }

  /** dotI8 of the d codes at byte `at` of this memory (a resident row: nothing is copied). */
  dotI8At(q: Float32Array, at: number, d: number): number {
    this.query(q);
    return this.x.dotI8(this.qAt, at, d);
  }

  dotHalf(q: Float32Array, h: Uint16Array, off: number, d: number): number {
    this.query(q);
    this.u16.set(h.subarray(off, off + d), this.rowAt >>> 1);
    return this.x.dotHalf(this.qAt, this.rowAt, d);
  }

  signedSums(table: SketchTable, rows: Uint32Array, stride: number, w: number, idx: Uint32Array, m: number, out: Float64Array, gather: boolean): void {
    const t = table.table;
    this.ensure(0, t.length, m, gather ? m * stride : rows.length);
    if (this.tableFill !== table.fillId) {
      this.f32.set(t, this.tAt >>> 2);
      this.tableFill = table.fillId;
    }
    const u32 = this.u32, base = this.rowsAt >>> 2, ix = this.idxAt >>> 2;
    if (gather) {
      // Only the named rows, packed: row j at j·stride (their w sign words suffice).
      for (let j = 0, o = base; j < m; j++, o += stride) {
        const at = idx[j] * stride;
        for (let k = 0; k < w; k++) u32[o + k] = rows[at + k];
        u32[ix + j] = j;
      }
    } else {
      u32.set(rows, base);
      u32.set(idx.subarray(0, m), ix);
    }
    this.x.signedSums(this.tAt, this.rowsAt, stride * 4, w, this.idxAt, m, this.outAt);
    const f64 = this.f64, o = this.outAt >>> 3;
    for (let j = 0; j < m; j++) out[j] = f64[o + j];
  }

  estimates(table: SketchTable, rows: Uint32Array | undefined, rowsAt: number, stride: number, w: number, idx: Uint32Array, m: number, errScale: number, bar: number, keep: Uint32Array, ests: Float64Array): number {
    const t = table.table, r = rows as Uint32Array;
    this.ensure(0, t.length, m, rowsAt >= 0 ? 0 : r.length);
    if (this.tableFill !== table.fillId) {
      this.f32.set(t, this.tAt >>> 2);
      this.tableFill = table.fillId;
    }
    if (rowsAt < 0) {
      this.u32.set(r, this.rowsAt >>> 2);
      rowsAt = this.rowsAt;
    }
    this.u32.set(idx.subarray(0, m), this.idxAt >>> 2);
    // The kept rows' j go to the keep region, their estimates to out.
    const n = this.x.estimates(this.tAt, rowsAt, stride * 4, w, this.idxAt, m, table.base, errScale, bar, this.keepAt, this.outAt);
    const u32 = this.u32, f64 = this.f64, k = this.keepAt >>> 2, o = this.outAt >>> 3;
    for (let j = 0; j < n; j++) {
      keep[j] = u32[k + j];
      ests[j] = f64[o + j];
    }
    return n;
  }
}

/** The WebAssembly kernels, or undefined where WebAssembly or its SIMD is missing (or gives other bits). */
export function wasmKernels(): WasmKernels | undefined {
  const W = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  const bytes = KERNELS_WASM;
  if (!W || !W.validate(bytes)) return undefined;
  const k = new WasmKernels(new W.Instance(new W.Module(bytes), {}).exports as WasmExports);
  return sameBits(k, new TsKernels()) ? k : undefined;
}

/**
 * True when both kernels agree on a few fixed rows (every code path: 8-, 4- and 1-steps). A
 * runtime whose SIMD lowering went wrong must not change answers: it gets the TypeScript loops.
 */
export function sameBits(a: QueryKernels, b: QueryKernels): boolean {
  const d = 23, q = new Float32Array(d), codes = new Int8Array(d), h = new Uint16Array(d);
  for (let i = 0; i < d; i++) {
    q[i] = Math.fround(Math.sin(i + 1) / 3);
    codes[i] = ((i * 37) % 255) - 127;
    // Normal and subnormal float16 values of both signs.
    h[i] = ((i * 2741) & 0xbfff) >>> (i % 3 === 0 ? 4 : 0);
  }
  for (const n of [d, 12, 6, 3]) {
    if (!Object.is(a.dotI8(q.subarray(0, n), codes, d - n, n), b.dotI8(q.subarray(0, n), codes, d - n, n))) return false;
    if (!Object.is(a.dotHalf(q.subarray(0, n), h, d - n, n), b.dotHalf(q.subarray(0, n), h, d - n, n))) return false;
  }
  a.reset();
  b.reset();
  return true;
}

let chosen: QueryKernels | undefined;
/** The kernels searches use: WebAssembly SIMD if available (set by useKernels for benchmarks). */
export function kernels(): QueryKernels {
  return (chosen ??= wasmKernels() ?? new TsKernels());
}

/** Picks the kernels (bench/index-profile.ts --kernels compares them in one process). */
export function useKernels(kind: 'wasm' | 'ts'): QueryKernels {
  chosen = kind === 'ts' ? new TsKernels() : wasmKernels();
  if (!chosen) throw new Error('WebAssembly SIMD is not available in this runtime.');
  return chosen;
}
