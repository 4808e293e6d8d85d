// Builds one tree in memory: recursive splits over a permutation of slots,
// then lays internal nodes out in subtree-shaped pages (top of tree first).
import { throwIfAborted, type SignalLike } from '../errors.ts';
import { emptyPage, NODES_PER_PAGE, PAGE_SHIFT, type NodePage } from './node-codec.ts';
import type { Rng } from './rng.ts';
import type { Rows, Splitter } from './split.ts';

export interface Lift {
  outDim: number;
  /** Writes the full-space normal for a reduced one; returns its scale. */
  apply(src: Int8Array, srcOff: number, scale: number, dst: Int8Array, dstOff: number): number;
}

export interface BuiltTree {
  /** Child ref of the root: ≥ 0 node index, < 0 leaf ~id. */
  root: number;
  pages: NodePage[];
  /** Slots reordered so leaf l is perm[leafStart[l] .. leafStart[l + 1]). */
  perm: Uint32Array;
  leafStart: Uint32Array;
}

/**
 * `rows` are what splits see; with `lift` they are reduced rows and each normal is
 * mapped to `outDim` dimensions (routing.ts) before it goes into a page.
 */
export function buildTree(rows: Rows, slots: Uint32Array, leafSize: number, splitter: Splitter, rng: Rng, signal?: SignalLike, lift?: Lift, pagePerChunk = false): BuiltTree {
  const d = rows.dim, outDim = lift?.outDim ?? d;
  const perm = slots.slice();
  const tmp = { left: [] as number[], right: [] as number[], scale: [] as number[], offset: [] as number[], normals: new Int8Array(64 * d) };
  const leafStart: number[] = [];
  let splits = 0;

  const grow = (n: number): void => {
    if ((n + 1) * d <= tmp.normals.length) return;
    const bigger = new Int8Array(tmp.normals.length * 2);
    bigger.set(tmp.normals);
    tmp.normals = bigger;
  };

  const rec = (lo: number, hi: number): number => {
    if (hi - lo <= leafSize) {
      leafStart.push(lo);
      return ~(leafStart.length - 1);
    }
    if ((++splits & 255) === 0) throwIfAborted(signal);
    const me = tmp.left.length;
    grow(me);
    const { mid, scale, offset } = splitter.split(perm, lo, hi, rng, tmp.normals, me * d);
    tmp.left.push(0);
    tmp.right.push(0);
    tmp.scale.push(scale);
    tmp.offset.push(offset);
    tmp.left[me] = rec(lo, mid);
    tmp.right[me] = rec(mid, hi);
    return me;
  };

  const rootTmp = rec(0, perm.length);
  leafStart.push(perm.length);
  const { pages, remap } = layout(rootTmp, tmp.left, tmp.right);
  const ref = (c: number): number => (c < 0 ? c : remap[c]);
  for (let n = 0; n < tmp.left.length; n++) {
    const idx = remap[n];
    const page = pages[idx >> PAGE_SHIFT], i = idx & (NODES_PER_PAGE - 1);
    page.left[i] = ref(tmp.left[n]);
    page.right[i] = ref(tmp.right[n]);
    page.offset[i] = tmp.offset[n];
    if (lift) page.scale[i] = lift.apply(tmp.normals, n * d, tmp.scale[n], page.normals, i * outDim);
    else {
      page.scale[i] = tmp.scale[n];
      page.normals.set(tmp.normals.subarray(n * d, n * d + d), i * d);
    }
  }
  return { root: ref(rootTmp), pages, perm, leafStart: Uint32Array.from(leafStart) };

  function layout(root: number, left: number[], right: number[]): { pages: NodePage[]; remap: Int32Array } {
    const remap = new Int32Array(left.length);
    const pages: NodePage[] = [];
    if (root < 0) return { pages, remap };
    // Subtree chunks: BFS from a chunk root until the page is full; the frontier
    // left over starts new chunks. A descent then touches ~depth/6 pages. With
    // pagePerChunk a chunk never shares its page with the next one.
    const queue = [root];
    let page: NodePage | undefined;
    for (let qi = 0; qi < queue.length; qi++) {
      const bfs = [queue[qi]];
      let bi = 0;
      for (; bi < bfs.length; bi++) {
        if (!page || page.used === NODES_PER_PAGE || (pagePerChunk && bi === 0 && page.used > 0)) {
          if (page && bi > 0) break;
          page = emptyPage(outDim);
          pages.push(page);
        }
        const n = bfs[bi];
        remap[n] = (pages.length - 1) * NODES_PER_PAGE + page.used++;
        if (left[n] >= 0) bfs.push(left[n]);
        if (right[n] >= 0) bfs.push(right[n]);
      }
      for (; bi < bfs.length; bi++) queue.push(bfs[bi]);
    }
    return { pages, remap };
  }
}
