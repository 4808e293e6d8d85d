// The static pack, format 2: a folder a static host serves as plain files and a browser reads in
// place. `pack.json` names everything else; every other file is an immutable part `p/<sha256>`
// named by the SHA-256 of its bytes, so a host may cache parts forever and a reader checks each
// one it fetches. docs/PACK-FORMAT.md is the spec; this file is its types and checks.
import type { PhotoFields } from '../photo/fields.ts';
import { GlimpseError } from '../errors.ts';

export const PACK_FORMAT = 'glimpse-pack';
/** 2: the forests' blocks are forest format 4 (RaBitQ sketches, float16 vectors, a centroid block). Format 1 (forest format 3) is refused: make it again. */
export const PACK_VERSION = 2;
export const MANIFEST_FILE = 'pack.json';
/** Photos per row page: a grid page or a result list reads one or two. */
export const ROWS_PER_PAGE = 100;

export type ForestName = 'text' | 'visual';

/**
 * One forest: its block keys (src/core/forest/store.ts) mapped to part hashes, except the vector
 * blocks: those (one per slot, all of one size) sit in slot order in one part, read with Range
 * requests (a part per vector would make the manifest grow with the photo count). Each forest block
 * carries its own checksum, so a ranged read is checked too. Opened with sketchInLeaves.
 */
export interface PackForest {
  dim: number;
  blocks: Record<string, string>;
  vectors: { part: string; generation: number; blockBytes: number; count: number };
}

export interface PackManifest {
  format: typeof PACK_FORMAT;
  version: number;
  /** Photos in the pack; ids run 1…count. */
  count: number;
  models: { captioner: string; embedder: string };
  forests: Record<ForestName, PackForest>;
  /** The lexical index snapshot (lexical-bytes.ts). */
  lexical: string;
  /** Row pages in id order: page k holds ids k·ROWS_PER_PAGE + 1 … */
  rowPages: string[];
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
const HEX = /^[0-9a-f]{64}$/;

/** A pack that cannot be read; the message names the URL and what to do. */
export class PackError extends GlimpseError {
  constructor(
    readonly url: string,
    why: string,
  ) {
    super('PackUnreadableError', `The photo pack at ${url} cannot be opened: ${why}`);
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
  if (typeof m.models?.captioner !== 'string' || typeof m.models.embedder !== 'string') return bad('no models');
  for (const name of ['text', 'visual'] as const) {
    const f = m.forests?.[name];
    if (!f || !Number.isInteger(f.dim) || typeof f.blocks !== 'object' || f.blocks === null) return bad(`no ${name} forest`);
    for (const h of Object.values(f.blocks)) if (typeof h !== 'string' || !HEX.test(h)) return bad('a bad part name');
    const v = f.vectors;
    if (!v || typeof v.part !== 'string' || !HEX.test(v.part) || ![v.generation, v.blockBytes, v.count].every((x) => Number.isInteger(x) && x >= 0)) return bad(`no ${name} vectors`);
  }
  if (typeof m.lexical !== 'string' || !HEX.test(m.lexical)) return bad('no keyword index');
  if (!Array.isArray(m.rowPages) || m.rowPages.length !== Math.ceil((m.count as number) / ROWS_PER_PAGE) || !m.rowPages.every((h) => typeof h === 'string' && HEX.test(h))) return bad('bad row pages');
  return m as PackManifest;
}
