// Node normals and leaf sketch rows kept in the kernels' wasm memory while the forest's cache
// holds their page or leaf: written once when it is loaded or pinned, so descent and leaf
// estimates call the kernels on offsets instead of copying a row (descent) or a leaf's rows
// (estimates) into wasm memory per call. A CPU profile of glove at searchK 4k put about a quarter
// of a query in those copies. The cache's budget logic is unchanged: a resident copy replaces the
// JS one (same bytes charged), and a page or leaf the cache drops leaves the wasm memory (its
// block is freed for the next one; BlockCache.onDrop). An object dropped while a search still
// holds it (a small cache evicts as it loads) gets its data back as a JS array first, so the
// search reads the same values. With the TypeScript kernels nothing is made resident.
import { kernels, type Arena, type WasmKernels } from './kernels.ts';
import type { LeafBlock } from './leaf-codec.ts';
import type { NodePage } from './node-codec.ts';

let enabled = true;
/** Turns residency off (tests and benchmarks compare the copying path with it). */
export function useResident(on: boolean): void {
  enabled = on;
}

/** The wasm kernels, when residency is on and they are the ones searches use. */
function home(): WasmKernels | undefined {
  const k = kernels();
  return enabled && k.kind === 'wasm' ? (k as WasmKernels) : undefined;
}

/** Frees blocks of objects dropped without the cache telling (a state replaced and collected). */
const collected = new FinalizationRegistry<{ arena: Arena; at: number; bytes: number }>(({ arena, at, bytes }) => arena.free(at, bytes));

/** A block of wasm memory holding one object's data, and the JS copy it leaves behind when dropped. */
abstract class Resident<A extends Int8Array | Uint32Array> {
  /** Byte offset of the data in `arena`; -1 once dropped (it is then in `js`). */
  at: number;
  private js: A | undefined;
  private readonly bytes: number;

  constructor(readonly arena: WasmKernels, data: A, protected readonly length: number) {
    this.bytes = data.byteLength;
    this.at = arena.alloc(this.bytes);
    this.view(this.at).set(data);
    collected.register(this, { arena, at: this.at, bytes: this.bytes }, this);
  }

  /** A view of `length` elements at byte `at` of the arena (made on each read: the memory may grow). */
  protected abstract view(at: number): A;

  protected data(): A {
    return this.at >= 0 ? this.view(this.at) : (this.js as A);
  }

  /** Leaves the wasm memory: the data is copied back and the block freed. */
  drop(): void {
    if (this.at < 0) return;
    this.js = this.data().slice() as A;
    collected.unregister(this);
    this.arena.free(this.at, this.bytes);
    this.at = -1;
  }
}

/** A node page whose normals live in wasm memory. */
export class ResidentPage extends Resident<Int8Array> implements NodePage {
  readonly used: number;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly offset: Float32Array;
  readonly scale: Float32Array;

  constructor(page: NodePage, arena: WasmKernels) {
    super(arena, page.normals, page.normals.length);
    const u = page.used;
    this.used = u;
    // The small fields get their own buffer, so the block read (normals included) can be collected.
    const own = new ArrayBuffer(u * 16);
    this.left = new Int32Array(own, 0, u);
    this.right = new Int32Array(own, u * 4, u);
    this.offset = new Float32Array(own, u * 8, u);
    this.scale = new Float32Array(own, u * 12, u);
    this.left.set(page.left.subarray(0, u));
    this.right.set(page.right.subarray(0, u));
    this.offset.set(page.offset.subarray(0, u));
    this.scale.set(page.scale.subarray(0, u));
  }

  protected view(at: number): Int8Array {
    return new Int8Array(this.arena.buffer, at, this.length);
  }

  get normals(): Int8Array {
    return this.data();
  }
}

/** A leaf whose sketch rows live in wasm memory. */
export class ResidentLeaf extends Resident<Uint32Array> implements LeafBlock {
  readonly count: number;
  readonly slots: Uint32Array;

  constructor(leaf: LeafBlock, rows: Uint32Array, arena: WasmKernels) {
    super(arena, rows, rows.length);
    this.count = leaf.count;
    this.slots = leaf.slots;
  }

  protected view(at: number): Uint32Array {
    return new Uint32Array(this.arena.buffer, at, this.length);
  }

  get rows(): Uint32Array {
    return this.data();
  }
}

/** The page as the cache should hold it: resident when the wasm kernels are in use. */
export function residentPage(page: NodePage): NodePage {
  const a = home();
  return a && page.used > 0 ? new ResidentPage(page, a) : page;
}

/** The leaf with rows as the cache should hold it: resident when the wasm kernels are in use. */
export function residentLeaf(leaf: LeafBlock): LeafBlock {
  const a = home(), rows = leaf.rows;
  return a && rows && rows.length > 0 && !leaf.legacy ? new ResidentLeaf(leaf, rows, a) : leaf;
}

/** BlockCache.onDrop: a resident page or leaf the cache let go of leaves the wasm memory. */
export function dropResident(value: unknown): void {
  if (value instanceof Resident) value.drop();
}
