// Reads a whole forest from its blocks and says what is wrong with it: every block decoded (so
// every checksum verified), every tree walked from its root, every live id found exactly once
// per tree, its vector block present and its sketch matching it (format 4). Written as steps that
// ask for blocks (inspectSteps), so any store can be checked, IndexedDB streamed a step at a time.
import { GlimpseError } from '../errors.ts';
import { blockVersion } from './block-codec.ts';
import { decodeLeaf } from './leaf-codec.ts';
import { toHalf } from './half.ts';
import { decodeCentroid, decodeDir, decodeMeta, decodeSlots, SLOT_PAGE, TOMBSTONE, type ForestMeta } from './meta-codec.ts';
import { decodePage, NODES_PER_PAGE, PAGE_SHIFT, type NodePage } from './node-codec.ts';
import { decodeSketchPage, SKETCH_PAGE, SketchRows } from './sketch-codec.ts';
import { rotationSeed, SketchSpace } from './sketch.ts';
import { centroidKey, dirKey, leafKey, META_KEY, pageKey, sketchKey, slotKey, vectorKey } from './store.ts';
import { decodeStoredVector, decodeVector } from './vector-codec.ts';
import { quantizeHalfRow } from './vector-math.ts';

/** A stored vector as an int8 code and scale (what LiveEntry reports, whatever the format). */
function int8Of(half: Uint16Array, dim: number): LiveEntry {
  const codes = new Int8Array(dim), scales = new Float32Array(1);
  quantizeHalfRow(half, 0, dim, codes, scales);
  return { codes, scale: scales[0] };
}

export type ForestIssueKind =
  /** A block the forest needs is not stored. */
  | 'missing-block'
  /** A block fails its checksum or does not decode. */
  | 'corrupt-block'
  /** Blocks no tree refers to (e.g. an old generation left by an interrupted rebuild). */
  | 'orphan-block'
  /** Stored counts disagree with the contents (live count, leaf sizes). */
  | 'forest-count'
  /** One id live in two slots. */
  | 'duplicate-id'
  /** A tree has no entry for a live id: searches through that tree cannot find it. */
  | 'tree-missing-entry'
  /** A tree lists a live id twice. */
  | 'tree-duplicate-entry'
  /** A node or leaf refers to something that does not exist (node, leaf, slot), or a cycle. */
  | 'tree-bad-ref';

export interface ForestIssue {
  kind: ForestIssueKind;
  id?: number;
  detail: string;
}

export interface LiveEntry {
  codes: Int8Array;
  scale: number;
}

export interface ForestInspection {
  /** False when the forest was never created (no blocks, or no committed meta block). */
  present: boolean;
  meta?: ForestMeta;
  /** Live id → its vector as int8 (its vector block, quantised; before format 3, the first tree's leaf that holds it). */
  live: Map<number, LiveEntry>;
  issues: ForestIssue[];
}

const why = (e: unknown): string => (e instanceof GlimpseError ? e.message : `${(e as Error).name}: ${(e as Error).message}`);

/** Vector blocks asked for at once: a library of any size is walked in steps of this many. */
const VECTOR_STEP = 1024;

/**
 * The inspection as steps, so a library of any size can be checked without holding its blocks:
 * each step yields the keys it needs next and is resumed with their bytes (undefined: not
 * stored), in the same order; nothing is kept from one step to the next but the slot table, the
 * sketch table and the ids. `keys` lists every stored block key (for the orphan check). `onLive`
 * hears each live id with its int8 vector, a view of a block the caller may drop once it returns.
 * See inspectForest (a map in memory) and workers/lib/consistency.ts (IndexedDB, streamed).
 */
export function* inspectSteps(keys: Iterable<string>, onLive: (id: number, entry: LiveEntry) => void): Generator<string[], Omit<ForestInspection, 'live'> & { live: Set<number> }, (Uint8Array | undefined)[]> {
  const issues: ForestIssue[] = [];
  const live = new Set<number>();
  /** Stored keys no step has asked for yet: what is left at the end is orphaned. */
  const unseen = new Set(keys);
  if (unseen.size === 0) return { present: false, live, issues };
  /** Fetches a step's blocks: key → bytes, only for this step. */
  function* fetch(wanted: string[]): Generator<string[], Map<string, Uint8Array | undefined>, (Uint8Array | undefined)[]> {
    const got = wanted.length ? yield wanted : [];
    return new Map(wanted.map((k, i) => [k, got[i]]));
  }
  /** Decodes a block of this step; a missing or corrupt one becomes an issue and yields undefined. */
  const read = <T>(step: Map<string, Uint8Array | undefined>, key: string, decode: (bytes: Uint8Array) => T): T | undefined => {
    unseen.delete(key);
    const bytes = step.get(key);
    if (!bytes) {
      issues.push({ kind: 'missing-block', detail: `block "${key}" is missing` });
      return undefined;
    }
    try {
      return decode(bytes);
    } catch (e) {
      issues.push({ kind: 'corrupt-block', detail: why(e) });
      return undefined;
    }
  };
  const emit = (id: number, entry: LiveEntry): void => {
    live.add(id);
    onLive(id, entry);
  };

  // No meta: the forest was never committed (meta is the commit point of a build), so any blocks
  // are leftovers of a build cut short; the next build overwrites them.
  if (!unseen.has(META_KEY)) {
    issues.push({ kind: 'orphan-block', detail: `${unseen.size} block(s) of a forest that was never committed (no "${META_KEY}" block)` });
    return { present: false, live, issues };
  }
  const head = yield* fetch([META_KEY]);
  const meta = read(head, META_KEY, (b) => decodeMeta(META_KEY, b));
  if (!meta) return { present: true, live, issues };
  const g = meta.generation;
  // Before format 3 the vectors lived in the leaves (LeafBlock.legacy); since, in vector blocks.
  const metaBytes = head.get(META_KEY)!;
  const version = blockVersion(new DataView(metaBytes.buffer, metaBytes.byteOffset, metaBytes.byteLength));
  const legacy = version < 3;

  // Slot table: which slots hold which live ids.
  const slotToId = new Uint32Array(meta.slotCount).fill(TOMBSTONE);
  const slotPages = Array.from({ length: Math.ceil(meta.slotCount / SLOT_PAGE) }, (_, p) => slotKey(g, p));
  const slotStep = yield* fetch(slotPages);
  for (let p = 0; p * SLOT_PAGE < meta.slotCount; p++) {
    const ids = read(slotStep, slotKey(g, p), (b) => decodeSlots(slotKey(g, p), b));
    if (ids) slotToId.set(ids.subarray(0, Math.min(SLOT_PAGE, meta.slotCount - p * SLOT_PAGE)), p * SLOT_PAGE);
  }
  const slotOf = new Map<number, number>();
  for (let s = 0; s < meta.slotCount; s++) {
    const id = slotToId[s];
    if (id === TOMBSTONE) continue;
    if (slotOf.has(id)) issues.push({ kind: 'duplicate-id', id, detail: `id ${id} is live in slots ${slotOf.get(id)} and ${s}` });
    else slotOf.set(id, s);
  }
  const liveSlots = [...slotOf.values()];
  if (liveSlots.length !== meta.liveCount) issues.push({ kind: 'forest-count', detail: `meta says ${meta.liveCount} live vectors, the slot table holds ${liveSlots.length}` });

  const hits = new Uint8Array(meta.slotCount);
  const unknownTrees: string[] = [];
  /** Legacy vectors (format < 3) by id, from the first tree's leaf that holds each. */
  const legacyLive = new Map<number, LiveEntry>();
  for (let t = 0; t < meta.nTrees; t++) {
    const dir = read(yield* fetch([dirKey(g, t)]), dirKey(g, t), (b) => decodeDir(dirKey(g, t), b));
    if (!dir) {
      // Without its directory the tree's pages and leaves cannot be told from strays: not orphans.
      unknownTrees.push(`g${g}/n/${t}/`, `g${g}/l/${t}/`);
      continue;
    }
    const before = issues.length;
    // One tree's pages and leaves at a time.
    const pageKeys = Array.from({ length: dir.pageCount }, (_, p) => pageKey(g, t, p));
    const leafKeys = Array.from({ length: dir.leafCount }, (_, l) => leafKey(g, t, l));
    const treeStep = yield* fetch([...pageKeys, ...leafKeys]);
    const pages: (NodePage | undefined)[] = [];
    for (let p = 0; p < dir.pageCount; p++) pages.push(read(treeStep, pageKey(g, t, p), (b) => decodePage(pageKey(g, t, p), b, meta.dim)));
    const leaves = [];
    for (let l = 0; l < dir.leafCount; l++) {
      const leaf = read(treeStep, leafKey(g, t, l), (b) => decodeLeaf(leafKey(g, t, l), b, meta.dim));
      if (leaf && leaf.count !== dir.leafSizes[l]) issues.push({ kind: 'forest-count', detail: `tree ${t} leaf ${l} holds ${leaf.count} entries, its directory says ${dir.leafSizes[l]}` });
      leaves.push(leaf);
    }
    // Unreadable blocks are reported once; the per-id check would only repeat them.
    const whole = issues.length === before;
    hits.fill(0);
    const seen = new Set<number>();
    const stack = [dir.root];
    while (stack.length) {
      const ref = stack.pop()!;
      if (seen.has(ref)) {
        issues.push({ kind: 'tree-bad-ref', detail: `tree ${t} reaches ${ref < 0 ? `leaf ${~ref}` : `node ${ref}`} twice` });
        continue;
      }
      seen.add(ref);
      if (ref >= 0) {
        const page = pages[ref >> PAGE_SHIFT], i = ref & (NODES_PER_PAGE - 1);
        if (!page || i >= page.used) {
          if (ref >> PAGE_SHIFT >= dir.pageCount || (page && i >= page.used)) issues.push({ kind: 'tree-bad-ref', detail: `tree ${t} refers to node ${ref}, which does not exist` });
          continue;
        }
        stack.push(page.left[i], page.right[i]);
        continue;
      }
      const l = ~ref;
      if (l >= dir.leafCount) {
        issues.push({ kind: 'tree-bad-ref', detail: `tree ${t} refers to leaf ${l}; it has ${dir.leafCount}` });
        continue;
      }
      const leaf = leaves[l];
      if (!leaf) continue;
      for (let e = 0; e < leaf.count; e++) {
        const slot = leaf.slots[e];
        if (slot >= meta.slotCount) {
          issues.push({ kind: 'tree-bad-ref', detail: `tree ${t} leaf ${l} lists slot ${slot}; only ${meta.slotCount} exist` });
          continue;
        }
        const id = slotToId[slot];
        if (id === TOMBSTONE || slotOf.get(id) !== slot) continue; // deleted entry, purged later
        hits[slot]++;
        const old = leaf.legacy;
        if (old && !legacyLive.has(id)) legacyLive.set(id, { codes: old.codes.subarray(e * meta.dim, (e + 1) * meta.dim), scale: old.scales[e] });
      }
    }
    if (!whole) continue;
    for (const [id, slot] of slotOf) {
      if (hits[slot] === 0) issues.push({ kind: 'tree-missing-entry', id, detail: `tree ${t} has no entry for id ${id}` });
      else if (hits[slot] > 1) issues.push({ kind: 'tree-duplicate-entry', id, detail: `tree ${t} lists id ${id} ${hits[slot]} times` });
    }
  }

  // Legacy vectors are few (old, small libraries): given once every tree was walked.
  for (const [id, entry] of legacyLive) emit(id, entry);
  legacyLive.clear();

  // Live slots in the order of their vector keys, so a store can read each step as one range of keys.
  const byKey = [...slotOf].map(([id, slot]) => [id, slot, vectorKey(g, slot)] as const).sort((a, b) => (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
  if (version === 3) {
    // Format 3: int8 vector blocks and sketches of an older kind (read only to upgrade: not checked).
    for (let p = 0; p * SKETCH_PAGE < meta.slotCount; p++) unseen.delete(sketchKey(g, p));
    const row = new Float32Array(meta.dim), half = new Uint16Array(meta.dim);
    for (let from = 0; from < byKey.length; from += VECTOR_STEP) {
      const part = byKey.slice(from, from + VECTOR_STEP);
      const vectorStep = yield* fetch(part.map(([, , key]) => key));
      for (const [id, , key] of part) {
        const ok = read(vectorStep, key, (b) => (decodeStoredVector(key, b, meta.dim, row), true));
        if (!ok) continue;
        for (let i = 0; i < meta.dim; i++) half[i] = toHalf(row[i]);
        emit(id, int8Of(half, meta.dim));
      }
    }
  } else if (!legacy) {
    // Every live slot's vector, and its sketch as the resident table will hold it.
    const table = new SketchRows(meta.dim, meta.slotCount), mine = new SketchRows(meta.dim, 1);
    const pageOk: boolean[] = [];
    const sketchPages = Array.from({ length: Math.ceil(meta.slotCount / SKETCH_PAGE) }, (_, p) => sketchKey(g, p));
    const sketchStep = yield* fetch([centroidKey(g), ...sketchPages]);
    const centroid = read(sketchStep, centroidKey(g), (b) => decodeCentroid(centroidKey(g), b, meta.dim));
    const space = centroid && new SketchSpace(meta.dim, centroid, rotationSeed(meta.seed));
    for (let p = 0; p * SKETCH_PAGE < meta.slotCount; p++) pageOk.push(read(sketchStep, sketchKey(g, p), (b) => decodeSketchPage(sketchKey(g, p), b, p, table)) !== undefined);
    sketchStep.clear();
    for (let from = 0; from < byKey.length; from += VECTOR_STEP) {
      const part = byKey.slice(from, from + VECTOR_STEP);
      const vectorStep = yield* fetch(part.map(([, , key]) => key));
      for (const [id, slot, key] of part) {
        const v = read(vectorStep, key, (b) => decodeVector(key, b, meta.dim));
        if (!v) continue;
        emit(id, int8Of(v.half, meta.dim));
        if (!space || !pageOk[Math.floor(slot / SKETCH_PAGE)]) continue;
        space.sketchHalves(v.half, 0, 1, mine, 0);
        const at = slot * table.stride;
        const same = mine.u32.every((x, i) => x === table.u32[at + i]);
        if (!same) issues.push({ kind: 'corrupt-block', id, detail: `the sketch of id ${id} in "${sketchKey(g, Math.floor(slot / SKETCH_PAGE))}" does not match its vector` });
      }
    }
  }

  // Blocks nothing refers to, grouped by generation and kind so a stale generation is one issue.
  const orphans = new Map<string, string[]>();
  for (const key of unseen) {
    if (unknownTrees.some((p) => key.startsWith(p))) continue;
    const group = key.split('/').slice(0, 2).join('/');
    const list = orphans.get(group);
    if (list) list.push(key);
    else orphans.set(group, [key]);
  }
  for (const [group, keys] of orphans) issues.push({ kind: 'orphan-block', detail: `${keys.length} block(s) under "${group}" that no tree uses (e.g. "${keys[0]}")` });
  return { present: true, meta, live, issues };
}

/** The whole inspection over blocks held in memory, every live id's vector kept in `live`. */
export function inspectForest(blocks: ReadonlyMap<string, Uint8Array>): ForestInspection {
  const live = new Map<number, LiveEntry>();
  const steps = inspectSteps(blocks.keys(), (id, entry) => live.set(id, entry));
  for (let step = steps.next(); ; step = steps.next(step.value.map((k) => blocks.get(k)))) {
    if (step.done) return { ...step.value, live };
  }
}
