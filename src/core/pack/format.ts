// The static pack, format 6: a folder a static host serves as plain files and a browser reads in
// place. Every file but `pack.json` is an immutable part `p/<sha256>` named by the SHA-256 of its
// bytes, so a host may cache parts forever and a reader checks each one it fetches. pack.json stays
// a few KiB whatever the photo count: each forest's blocks sit back to back in one part read by
// HTTP Range, located by a small index of their lengths, so a query reads only the blocks it needs,
// one request per run of neighbours. docs/PACK-FORMAT.md is the spec; this file is its types and checks.
import { checksum32 } from '../forest/checksum.ts';
import type { PhotoFields } from '../photo/fields.ts';
import { GlimpseError } from '../errors.ts';
import { pushVarint, VarintReader } from '../varint.ts';

export const PACK_FORMAT = 'glimpse-pack';
/**
 * 7: row pages deflated (raw deflate of the JSON; the checksum is of the stored bytes) and the rows
 * index too: at bench:pack's 100,000 photos a query's 24 row pages went 92 → 31 KB, the rows index
 * 49 → 26 KB (bench:pack --trace; captions, triplets and JSON keys repeat within a page).
 * 6: each forest's slot→id table in a part of its own (slots.ts: deltas, deflated; the slot pages
 * left out of the blocks part), and node pages of one subtree chunk each (pagePerChunk): the open
 * reads about half the slot table's 400 KB at 100,000 photos, a descent 9 KB pages, not 25 KB.
 * 5: no part table: each forest's blocks back to back in one part (what a forest's open reads
 * first, then each leaf beside its sketch rows), located by an index of their lengths read at open,
 * so a block costs one ranged read, not a table record and then a part (two round trips each).
 * 4: the keyword index split (a head, directory pages, postings read by Range), so a query reads
 * only its words' postings; row pages back to back in one part read by Range, located by a small
 * index of their lengths (not through the part table: at 100,000 photos each result's table
 * record was a request of its own, before the row's). 3: parts listed in a ranged part table (pack.json no longer grows with
 * the photo count), rows in pages of 4. 2: forest blocks of forest format 4. Older formats are
 * refused: make the pack again.
 */
export const PACK_VERSION = 7;

/** Format 7 on: row pages and the rows index are stored raw-deflated. */
export const rowsDeflated = (version: number): boolean => version >= 7;
/** The oldest format this build still reads (a format-5 pack opens: library files exported with it). */
export const PACK_OLDEST_READ = 5;
export const MANIFEST_FILE = 'pack.json';
/**
 * Photos per row page. Small: a result list's ids are scattered over the pack, so a page of 100
 * cost ~100 KB per result; 4 keeps a query's rows to a few KB each, and a grid page reads a few.
 */
export const ROWS_PER_PAGE = 4;

export type ForestName = 'text' | 'visual';

/**
 * One forest's blocks but the vectors (src/core/forest/store.ts keys): `plain` keys (such as
 * `meta`) and, for each kind in `runs`, keys `<kind>/0 … <kind>/<count − 1>`. They sit back to back
 * in `part` in the order blockLayout gives; `index` is a part of their byte lengths (varints, raw
 * deflate), read whole at open. Each block carries its own checksum, so a ranged read is checked.
 */
export interface PackBlocks {
  part: string;
  index: string;
  /** Bytes of the blocks the open reads (the part's start): fetched beside the index, not after it. */
  open: number;
  plain: string[];
  runs: Record<string, number>;
  /**
   * Format 6: the part of the forest's slot→id table (slots.ts), read whole at open; its slot
   * pages (`g/s/…`) are then not in `part`. Format 5: absent, the slot pages are blocks.
   */
  slots?: string;
}

/**
 * One forest: its blocks, and its vector blocks (one per slot, all of one size) in slot order in
 * one part, read with Range requests. Opened with sketchInLeaves.
 */
export interface PackForest {
  dim: number;
  blocks: PackBlocks;
  vectors: { part: string; generation: number; blockBytes: number; count: number };
}

export interface PackManifest {
  format: typeof PACK_FORMAT;
  version: number;
  /** Photos in the pack; ids run 1…count. */
  count: number;
  models: { captioner: string; embedder: string };
  forests: Record<ForestName, PackForest>;
  /** The head of the split keyword index (src/core/text/lexical-split.ts): JSON naming its directory pages and postings part. */
  lexical: string;
  /**
   * Row pages in id order: page k holds ids k·ROWS_PER_PAGE + 1 …, JSON (format 7: raw-deflated)
   * then checksum32 of those stored bytes (4 bytes LE), back to back in `part` (read by Range);
   * `index` is a part of their byte lengths (varints, `pages` of them; format 7: raw-deflated),
   * read whole once.
   */
  rows: { part: string; index: string; pages: number };
  /** Bytes of all parts together (what fetching the whole pack would cost). */
  bytes: number;
}

/** One photo as a row page holds it: the library's row (per-photo fields and id) plus its thumbnail part. */
export interface PackRow extends PhotoFields {
  id: number;
  /** Part hash of the WebP thumbnail. */
  thumb: string;
}

export const partPath = (hash: string): string => `p/${hash}`;

/** A forest block key as its kind and number: `g1/l/17` → [`g1/l`, 17], `meta` → [`meta`, undefined]. */
export function blockKind(key: string): [string, number | undefined] {
  const m = /^(.*)\/(\d+)$/.exec(key);
  return m ? [m[1]!, Number(m[2])] : [key, undefined];
}

/**
 * The order of a forest's blocks in its part. First what ForestState.open reads (pinPages 'roots'):
 * the plain blocks (meta, centroid), tree directories, slot pages, each tree's root page, so the
 * open is one range. Then the other node pages, tree by tree. Then each tree's leaves, each leaf
 * followed by its rows (sketches): a query reads both, in one range. Anything else last, by key.
 */
export function blockLayout(b: Pick<PackBlocks, 'plain' | 'runs'>): string[] {
  const kinds = Object.keys(b.runs).sort();
  const out = [...b.plain].sort((x, y) => (x === 'meta' ? -1 : y === 'meta' ? 1 : x < y ? -1 : 1));
  const all = (kind: string, from = 0): string[] => Array.from({ length: Math.max(0, b.runs[kind]! - from) }, (_, n) => `${kind}/${n + from}`);
  const byTree = (kind: string): number => Number(/\/(\d+)$/.exec(kind)![1]);
  const pages = kinds.filter((k) => /\/n\/\d+$/.test(k)).sort((x, y) => byTree(x) - byTree(y));
  const leaves = kinds.filter((k) => /\/l\/\d+$/.test(k)).sort((x, y) => byTree(x) - byTree(y));
  for (const k of kinds) if (/\/[ds]$/.test(k)) out.push(...all(k));
  for (const k of pages) if (b.runs[k]! > 0) out.push(`${k}/0`);
  for (const k of pages) out.push(...all(k, 1));
  const done = new Set(out);
  for (const k of leaves) {
    const rows = k.replace(/\/l\/(\d+)$/, '/r/$1');
    for (let n = 0; n < b.runs[k]!; n++) {
      out.push(`${k}/${n}`);
      if (n < (b.runs[rows] ?? 0)) out.push(`${rows}/${n}`);
    }
  }
  for (const k of out) done.add(k);
  for (const k of kinds) for (const key of all(k)) if (!done.has(key)) out.push(key);
  return out;
}

/** How many blocks of blockLayout come before the first that ForestState.open does not read. */
export function openBlockCount(layout: readonly string[]): number {
  const i = layout.findIndex((k) => !/^meta$|\/c$|\/[ds]\/\d+$|\/n\/\d+\/0$/.test(k));
  return i < 0 ? layout.length : i;
}
const HEX = /^[0-9a-f]{64}$/;

/** A pack format this build reads. */
export const packVersionRead = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= PACK_OLDEST_READ && v <= PACK_VERSION;

/** A pack that cannot be read; the message names the URL (or the library file holding it) and what to do. */
export class PackError extends GlimpseError {
  constructor(
    readonly url: string,
    why: string,
    subject = `The photo pack at ${url}`,
  ) {
    super('PackUnreadableError', `${subject} cannot be opened: ${why}`);
  }
}

/** Checks a parsed pack.json; throws PackError naming `url` when it is not a pack this build reads. */
export function checkManifest(json: unknown, url: string): PackManifest {
  const m = json as Partial<PackManifest> | null;
  const bad = (what: string): never => {
    throw new PackError(url, `it is not a Glimpse pack (${what}). Check the address, or make the pack again with npm run pack.`);
  };
  if (typeof m !== 'object' || m === null || m.format !== PACK_FORMAT) return bad('no "glimpse-pack" format field');
  if (typeof m.version === 'number' && m.version < PACK_OLDEST_READ) throw new PackError(url, `it is format ${m.version}, made by an older npm run pack; this app reads formats ${PACK_OLDEST_READ} to ${PACK_VERSION}. Make the pack again with this version of npm run pack.`);
  if (!packVersionRead(m.version)) throw new PackError(url, `it is format ${String(m.version)}, this app reads formats ${PACK_OLDEST_READ} to ${PACK_VERSION}. Update the app or make the pack again.`);
  if (!Number.isInteger(m.count) || (m.count as number) < 0) return bad('bad photo count');
  if (typeof m.models?.captioner !== 'string' || typeof m.models.embedder !== 'string') return bad('no models');
  for (const name of ['text', 'visual'] as const) {
    const f = m.forests?.[name];
    const b = f?.blocks;
    if (!f || !Number.isInteger(f.dim) || typeof b !== 'object' || b === null) return bad(`no ${name} forest`);
    if (typeof b.part !== 'string' || !HEX.test(b.part) || typeof b.index !== 'string' || !HEX.test(b.index)) return bad(`no ${name} blocks`);
    if (!Array.isArray(b.plain) || !b.plain.every((k) => typeof k === 'string') || typeof b.runs !== 'object' || b.runs === null) return bad(`no ${name} block list`);
    if (!Object.values(b.runs).every((n) => Number.isInteger(n) && n >= 0) || !Number.isInteger(b.open) || b.open < 0) return bad('a bad block run');
    if (m.version >= 6 ? typeof b.slots !== 'string' || !HEX.test(b.slots) : b.slots !== undefined) return bad(`no ${name} slot table`);
    const v = f.vectors;
    if (!v || typeof v.part !== 'string' || !HEX.test(v.part) || ![v.generation, v.blockBytes, v.count].every((x) => Number.isInteger(x) && x >= 0)) return bad(`no ${name} vectors`);
  }
  if (typeof m.lexical !== 'string' || !HEX.test(m.lexical)) return bad('no keyword index');
  const r = m.rows;
  if (!r || typeof r.part !== 'string' || !HEX.test(r.part) || typeof r.index !== 'string' || !HEX.test(r.index) || r.pages !== Math.ceil((m.count as number) / ROWS_PER_PAGE)) return bad('bad row pages');
  return m as PackManifest;
}

/** Varints of `lengths` (the rows and blocks indexes). */
export function lengthsIndex(lengths: readonly number[]): Uint8Array {
  const out: number[] = [];
  for (const len of lengths) pushVarint(out, len);
  return Uint8Array.from(out);
}

/** Varint byte lengths (a lengths index) as offsets: pages + 1 of them. RangeError when they do not add up. */
export function rowOffsets(index: Uint8Array, pages: number): Float64Array {
  const out = new Float64Array(pages + 1);
  const reader = new VarintReader(index);
  for (let p = 0; p < pages; p++) {
    const n = reader.next(() => 'the rows index is short');
    if (n < 4) throw new RangeError(`entry ${p} is too short`);
    out[p + 1] = out[p]! + n;
  }
  if (!reader.done) throw new RangeError('the rows index has trailing bytes');
  return out;
}

/** One row page as stored: its JSON (format 7: deflated), then checksum32 of those bytes (LE). */
export function rowPageBytes(json: Uint8Array): Uint8Array {
  const out = new Uint8Array(json.byteLength + 4);
  out.set(json);
  new DataView(out.buffer).setUint32(json.byteLength, checksum32(json, 0, json.byteLength), true);
  return out;
}

/** The stored JSON of a row page (format 7: still deflated), or null when its checksum fails. */
export function rowPageJson(page: Uint8Array): Uint8Array | null {
  if (page.byteLength < 4) return null;
  const json = page.subarray(0, page.byteLength - 4);
  return new DataView(page.buffer, page.byteOffset).getUint32(json.byteLength, true) === checksum32(json, 0, json.byteLength) ? json : null;
}
