// One tree, built and encoded: a pure function of (rows, tree number, options),
// so trees can be built on other threads (see BuildControl.buildTree).
import type { SignalLike } from '../errors.ts';
import { buildTree } from './build-tree.ts';
import { encodeLeaf } from './leaf-codec.ts';
import { encodeDir, type SplitMethod } from './meta-codec.ts';
import { encodePage } from './node-codec.ts';
import { createRng, mixSeed } from './rng.ts';
import { liftNormal, type Routing } from './routing.ts';
import { Splitter, type Rows } from './split.ts';
import { dirKey, leafKey, pageKey, type BlockWrite } from './store.ts';

export interface TreeJob {
  t: number;
  generation: number;
  rows: Rows;
  seed: number;
  leafSize: number;
  split: SplitMethod;
  /** Split in this reduced space instead (routing.ts). */
  routing?: Routing;
  /** Each subtree chunk on a page of its own (ForestBuildOptions.pagePerChunk). */
  pagePerChunk?: boolean;
}

export interface TreeBlocks {
  t: number;
  /** Leaf blocks, node pages and the tree directory, ready to write. */
  puts: BlockWrite[];
}

export function buildTreeBlocks(job: TreeJob, signal?: SignalLike): TreeBlocks {
  const { rows, t, generation: g } = job;
  const d = rows.dim, n = rows.scales.length;
  const slots = Uint32Array.from({ length: n }, (_, i) => i);
  const r = job.routing;
  const splitRows = r ? r.rows : rows;
  const tmp = new Float32Array(d);
  const lift = r && { outDim: d, apply: (src: Int8Array, so: number, sc: number, dst: Int8Array, dOff: number) => liftNormal(r.basis, r.rows.dim, d, src, so, sc, dst, dOff, tmp) };
  const tree = buildTree(splitRows, slots, job.leafSize, new Splitter(splitRows, job.split), createRng(mixSeed(job.seed, t)), signal, lift, job.pagePerChunk);
  const leafCount = tree.leafStart.length - 1;
  const leafSizes = new Uint16Array(leafCount);
  const puts: BlockWrite[] = [];
  for (let l = 0; l < leafCount; l++) {
    const s = tree.leafStart[l], e = tree.leafStart[l + 1];
    leafSizes[l] = e - s;
    puts.push({ key: leafKey(g, t, l), bytes: encodeLeaf(tree.perm.subarray(s, e), e - s) });
  }
  tree.pages.forEach((p, i) => puts.push({ key: pageKey(g, t, i), bytes: encodePage(p, d) }));
  puts.push({ key: dirKey(g, t), bytes: encodeDir({ root: tree.root, pageCount: tree.pages.length, leafCount, leafSizes }) });
  return { t, puts };
}
