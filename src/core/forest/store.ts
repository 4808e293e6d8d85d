// Where blocks live. Core knows only this interface; adapters: memory-store.ts
// (tests, Node) and src/storage/forest-idb-store.ts (IndexedDB via idb).

export interface BlockWrite {
  readonly key: string;
  readonly bytes: Uint8Array;
}

export interface PrefixRead {
  keys: string[];
  blocks: Uint8Array[];
  last: string | undefined;
}

export interface BlockStore {
  /** Reads many blocks in one round trip; a missing key yields undefined. Callers never mutate results. */
  read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]>;
  /** Applies puts then deletes atomically (one transaction). */
  write(puts: readonly BlockWrite[], deletes?: readonly string[]): Promise<void>;
  /** Removes every block whose key starts with `prefix` (old generations). */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * Optional: the blocks whose keys start with `prefix` and sort after `after` (or from the first
   * when undefined), `count` keys of the range at most, in key order (code units, as IndexedDB
   * orders strings), with their keys; `last` is the last key of the range read (page on from it),
   * undefined when none was left. A store may leave out keys it is changing. One range read where the store keeps keys in order: in Chromium's IndexedDB a range read
   * costs about an eighth of a get a record (bench:idb), which is what filling the vector slab
   * needs (slab-fill.ts).
   */
  readPrefix?(prefix: string, after: string | undefined, count: number): Promise<PrefixRead>;
}

// Key scheme. Blocks of one build share a generation prefix so a rebuild can be
// written beside the old forest and switched over by rewriting META_KEY alone.
export const META_KEY = 'meta';
export const genPrefix = (g: number): string => `g${g}/`;
export const dirKey = (g: number, t: number): string => `g${g}/d/${t}`;
export const pageKey = (g: number, t: number, p: number): string => `g${g}/n/${t}/${p}`;
export const leafKey = (g: number, t: number, l: number): string => `g${g}/l/${t}/${l}`;
export const slotKey = (g: number, p: number): string => `g${g}/s/${p}`;
export const vectorKey = (g: number, slot: number): string => `g${g}/v/${slot}`;
export const sketchKey = (g: number, p: number): string => `g${g}/k/${p}`;
/** Format 4: the centroid sketches are centred on (sketch.ts). */
export const centroidKey = (g: number): string => `g${g}/c`;
/** A leaf's sketch rows, beside it (leaf-rows.ts): only in stores opened with `sketchInLeaves`. */
export const leafRowsKey = (g: number, t: number, l: number): string => `g${g}/r/${t}/${l}`;
export const rowsKeyOfLeaf = (leafKey: string): string => leafKey.replace('/l/', '/r/');
