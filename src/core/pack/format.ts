// The static pack, format 4: a folder a static host serves as plain files and a browser reads in
// place. Every file but `pack.json` is an immutable part `p/<sha256>` named by the SHA-256 of its
// bytes, so a host may cache parts forever and a reader checks each one it fetches. pack.json stays
// a few KiB whatever the photo count: the parts it does not name are listed in the part table, a
// part of fixed-size records (hash + checksum) read by HTTP Range, so a query reads only the
// entries it needs. docs/PACK-FORMAT.md is the spec; this file is its types and checks.
import { checksum32 } from '../forest/checksum.ts';
import type { PhotoFields } from '../photo/fields.ts';
import { GlimpseError } from '../errors.ts';

export const PACK_FORMAT = 'glimpse-pack';
/**
 * 4: the keyword index split (a head, directory pages, postings read by Range), so a query reads
 * only its words' postings; row pages back to back in one part read by Range, located by a small
 * index of their lengths (not through the part table: at 100,000 photos each result's table
 * record was a request of its own, before the row's). 3: parts listed in a ranged part table (pack.json no longer grows with
 * the photo count), rows in pages of 4. 2: forest blocks of forest format 4. Older formats are
 * refused: make the pack again.
 */
export const PACK_VERSION = 4;
export const MANIFEST_FILE = 'pack.json';
/**
 * Photos per row page. Small: a result list's ids are scattered over the pack, so a page of 100
 * cost ~100 KB per result; 4 keeps a query's rows to a few KB each, and a grid page reads a few.
 */
export const ROWS_PER_PAGE = 4;
/** Part table records: the part's SHA-256 (32 bytes), then checksum32 of those bytes (LE). An all-zero hash: no part. */
export const TABLE_RECORD = 36;
/** A run of part table records: [first record, count]. */
export type TableRun = [number, number];

export type ForestName = 'text' | 'visual';

/**
 * One forest. Its blocks (src/core/forest/store.ts keys, `<kind>/<n>` or a plain key) are parts
 * listed in the part table: `blocks[kind]` is the run of records of n = 0, 1, …; a plain key is
 * its own kind with n = 0. The vector blocks (one per slot, all of one size) sit in slot order in
 * one part, read with Range requests. Each forest block carries its own checksum, so a ranged read
 * is checked too. Opened with sketchInLeaves.
 */
export interface PackForest {
  dim: number;
  blocks: Record<string, TableRun>;
  vectors: { part: string; generation: number; blockBytes: number; count: number };
}

export interface PackManifest {
  format: typeof PACK_FORMAT;
  version: number;
  /** Photos in the pack; ids run 1…count. */
  count: number;
  models: { captioner: string; embedder: string };
  forests: Record<ForestName, PackForest>;
  /** The part table: its part (read by Range, never whole) and its record count. */
  table: { part: string; records: number };
  /** The head of the split keyword index (src/core/text/lexical-split.ts): JSON naming its directory pages and postings part. */
  lexical: string;
  /**
   * Row pages in id order: page k holds ids k·ROWS_PER_PAGE + 1 …, JSON then checksum32 of it (4
   * bytes LE), back to back in `part` (read by Range); `index` is a part of their byte lengths
   * (varints, `pages` of them), read whole once.
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

/** A forest block key as its table kind and number: `g1/l/17` → [`g1/l`, 17], `meta` → [`meta`, 0]. */
export function blockKind(key: string): [string, number] {
  const m = /^(.*)\/(\d+)$/.exec(key);
  return m ? [m[1]!, Number(m[2])] : [key, 0];
}

/** One part table record. */
export function tableRecord(hash: string | undefined): Uint8Array {
  const out = new Uint8Array(TABLE_RECORD);
  if (hash) for (let i = 0; i < 32; i++) out[i] = parseInt(hash.slice(i * 2, i * 2 + 2), 16);
  new DataView(out.buffer).setUint32(32, checksum32(out, 0, 32), true);
  return out;
}

/** The hash a record holds (undefined: no part), or null when its checksum fails. */
export function readTableRecord(rec: Uint8Array): string | undefined | null {
  if (rec.byteLength !== TABLE_RECORD || new DataView(rec.buffer, rec.byteOffset).getUint32(32, true) !== checksum32(rec, 0, 32)) return null;
  let hex = '', zero = true;
  for (let i = 0; i < 32; i++) {
    zero &&= rec[i] === 0;
    hex += rec[i]!.toString(16).padStart(2, '0');
  }
  return zero ? undefined : hex;
}
const HEX = /^[0-9a-f]{64}$/;

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
  if (typeof m.version === 'number' && m.version < PACK_VERSION) throw new PackError(url, `it is format ${m.version}, made by an older npm run pack; this app reads format ${PACK_VERSION}. Make the pack again with this version of npm run pack.`);
  if (m.version !== PACK_VERSION) throw new PackError(url, `it is format ${String(m.version)}, this app reads format ${PACK_VERSION}. Update the app or make the pack again.`);
  if (!Number.isInteger(m.count) || (m.count as number) < 0) return bad('bad photo count');
  const t = m.table;
  if (!t || typeof t.part !== 'string' || !HEX.test(t.part) || !Number.isInteger(t.records) || t.records < 0) return bad('no part table');
  const run = (r: unknown): boolean => Array.isArray(r) && r.length === 2 && r.every((x) => Number.isInteger(x) && x >= 0) && r[0] + r[1] <= t.records;
  if (typeof m.models?.captioner !== 'string' || typeof m.models.embedder !== 'string') return bad('no models');
  for (const name of ['text', 'visual'] as const) {
    const f = m.forests?.[name];
    if (!f || !Number.isInteger(f.dim) || typeof f.blocks !== 'object' || f.blocks === null) return bad(`no ${name} forest`);
    for (const r of Object.values(f.blocks)) if (!run(r)) return bad('a bad block run');
    const v = f.vectors;
    if (!v || typeof v.part !== 'string' || !HEX.test(v.part) || ![v.generation, v.blockBytes, v.count].every((x) => Number.isInteger(x) && x >= 0)) return bad(`no ${name} vectors`);
  }
  if (typeof m.lexical !== 'string' || !HEX.test(m.lexical)) return bad('no keyword index');
  const r = m.rows;
  if (!r || typeof r.part !== 'string' || !HEX.test(r.part) || typeof r.index !== 'string' || !HEX.test(r.index) || r.pages !== Math.ceil((m.count as number) / ROWS_PER_PAGE)) return bad('bad row pages');
  return m as PackManifest;
}

/** Varint byte lengths of row pages (the rows index) as offsets: pages + 1 of them. RangeError when they do not add up. */
export function rowOffsets(index: Uint8Array, pages: number): Float64Array {
  const out = new Float64Array(pages + 1);
  let at = 0;
  for (let p = 0; p < pages; p++) {
    let n = 0, scale = 1;
    for (;;) {
      if (at >= index.length) throw new RangeError('the rows index is short');
      const v = index[at++]!;
      n += (v & 0x7f) * scale;
      if (v < 0x80) break;
      scale *= 0x80;
    }
    if (n < 4) throw new RangeError(`row page ${p} is too short`);
    out[p + 1] = out[p]! + n;
  }
  if (at !== index.length) throw new RangeError('the rows index has trailing bytes');
  return out;
}

/** One row page as stored: its JSON, then checksum32 of those bytes (LE). */
export function rowPageBytes(json: Uint8Array): Uint8Array {
  const out = new Uint8Array(json.byteLength + 4);
  out.set(json);
  new DataView(out.buffer).setUint32(json.byteLength, checksum32(json, 0, json.byteLength), true);
  return out;
}

/** The JSON of a stored row page, or null when its checksum fails. */
export function rowPageJson(page: Uint8Array): Uint8Array | null {
  if (page.byteLength < 4) return null;
  const json = page.subarray(0, page.byteLength - 4);
  return new DataView(page.buffer, page.byteOffset).getUint32(json.byteLength, true) === checksum32(json, 0, json.byteLength) ? json : null;
}
