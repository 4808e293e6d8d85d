// The `.glimpse` library file, format 2: a zip whose entries are laid out for two readers, an
// import that walks it chunk by chunk, and a reader that searches it in place (the pack it
// carries: pack.json and p/<sha256> parts, stored, so each part is a slice of the file).
// docs/LIBRARY-FORMAT.md is the spec; this file is its types.
import type { PhotoFields } from '../photo/fields.ts';

export const FORMAT = 'glimpse-library';
/**
 * This build writes format 2 and reads formats 1 and 2; a file with a higher `minReaderVersion` is
 * refused. 2: the file also carries a pack (extensions.pack), which format-1 readers ignore.
 */
export const FORMAT_VERSION = 2;
/** What the writer puts in `minReaderVersion`: a format-1 reader still imports a format-2 file. */
export const MIN_READER_VERSION = 1;
/** First entry, stored: lets a tool tell a library from another zip by its first bytes. */
export const MIMETYPE = 'application/vnd.glimpse.library+zip';
/** Photos per chunk: records, vectors and thumbnails of one chunk sit together in the file. */
export const CHUNK_SIZE = 256;

export type VectorKind = 'text' | 'visual';
export const VECTOR_KINDS: readonly VectorKind[] = ['text', 'visual'];

/** A model that made some of the vectors: the embedder ('text') or the captioner's encoder ('visual'). */
export interface ModelRef {
  id: string;
  role: 'captioner' | 'embedder';
  /** The manifest revision of models/manifest.json when the file was written ('' when unknown). */
  revision: string;
  dim: number;
}

/** An entry the manifest vouches for: its exact size and SHA-256 (hex). */
export interface EntryRef {
  path: string;
  bytes: number;
  sha256: string;
}

/** One vector entry: `rows` vectors of one model, in the order of the chunk's photos that model described. */
export interface VectorEntryRef extends EntryRef {
  kind: VectorKind;
  /** Index into `Manifest.models`. */
  model: number;
  rows: number;
}

export interface ChunkRef {
  /** Index of the chunk's first photo in the whole file. */
  first: number;
  count: number;
  records: EntryRef;
  vectors: VectorEntryRef[];
  /** The chunk's thumbnails, one after another (stored): each record gives its offset and size. */
  thumbs: EntryRef;
}

export interface Manifest {
  format: typeof FORMAT;
  /** Version of the writer's format. */
  version: number;
  /** The lowest reader version that can read this file (newer writers may add what older readers ignore). */
  minReaderVersion: number;
  app: { name: string; version: string };
  /** ISO 8601. */
  created: string;
  counts: { photos: number; thumbnails: number; originals: number; chunks: number };
  chunkSize: number;
  models: ModelRef[];
  chunks: ChunkRef[];
  /** Parts a pack adds (forest blocks, keyword index parts); readers skip what they do not know. */
  extensions: Record<string, unknown>;
}

/** An original file, vouched for by its photo's record (whose chunk entry the manifest vouches for). */
export interface FileRef extends EntryRef {
  type: string;
}

/** A thumbnail: `bytes` at `offset` in its chunk's thumbnails entry, with their SHA-256 and image type. */
export interface ThumbRef {
  offset: number;
  bytes: number;
  sha256: string;
  type: string;
}

/** One photo as the file holds it (an element of a chunk's `photos/NNNNN.json`): the per-photo fields, then where its thumbnail and original sit. */
export interface PhotoEntry extends PhotoFields {
  thumb: ThumbRef;
  original?: FileRef;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Entry names. Zero-padded so a plain listing sorts the way the file is laid out. */
export const entryName = {
  mimetype: 'mimetype',
  manifest: 'manifest.json',
  records: (chunk: number) => `photos/${pad(chunk, 5)}.json`,
  vectors: (chunk: number, kind: VectorKind, model: number) => `vectors/${pad(chunk, 5)}.${kind}.m${model}.i8`,
  thumbs: (chunk: number) => `thumbs/${pad(chunk, 5)}.bin`,
  original: (photo: number, fileName: string) => `originals/${pad(photo, 7)}/${safeFileName(fileName)}`,
};

/** A file name that is one safe zip path segment (the real name stays in the record). */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_').replace(/^\.+/, '_').slice(0, 120);
  return cleaned || 'original';
}

/** Where a photo's vector sits: its entry (by kind and model) and its row there. */
export interface VectorSlot {
  model: number;
  row: number;
}

/**
 * Rows are implicit: within a chunk, a model's entry holds the vectors of the photos that model
 * described, in photo order. Returns each photo's slot per kind.
 */
export function vectorSlots(photos: readonly Pick<PhotoEntry, 'record'>[], models: readonly ModelRef[]): Record<VectorKind, VectorSlot[]> {
  const modelIndex = (id: string, role: ModelRef['role']): number => models.findIndex((m) => m.id === id && m.role === role);
  const out: Record<VectorKind, VectorSlot[]> = { text: [], visual: [] };
  const next = new Map<string, number>();
  for (const p of photos) {
    for (const kind of VECTOR_KINDS) {
      const model = kind === 'text' ? modelIndex(p.record.models.embedder, 'embedder') : modelIndex(p.record.models.captioner, 'captioner');
      const key = `${kind}:${model}`;
      const row = next.get(key) ?? 0;
      next.set(key, row + 1);
      out[kind].push({ model, row });
    }
  }
  return out;
}

/** Entries of the pack a format-2 file carries (src/core/pack/format.ts), all stored. */
export const packEntry = {
  manifest: 'pack.json',
  /** The thumbnail parts' places in the chunks' thumbnails entries (they are not written twice). */
  thumbs: 'pack-thumbs.json',
  part: (hash: string) => `p/${hash}`,
};

/** `extensions.pack` of a format-2 file: the pack it carries, vouched for by the manifest. */
export interface PackExtension {
  /** The pack's format (PACK_VERSION of the writer). */
  version: number;
  manifest: EntryRef;
  thumbs: EntryRef;
}

/** A thumbnail part's place: [chunk, offset, bytes] in that chunk's thumbnails entry, by its SHA-256. */
export type PackThumbs = Record<string, [number, number, number]>;

const isRef = (x: unknown, path: string): x is EntryRef => {
  const r = x as Partial<EntryRef> | null;
  return typeof r === 'object' && r !== null && r.path === path && Number.isSafeInteger(r.bytes) && (r.bytes as number) >= 0 && typeof r.sha256 === 'string' && /^[0-9a-f]{64}$/.test(r.sha256);
};

/** The file's pack, or undefined when it carries none (format 1, or a writer that left it out). */
export function packExtension(m: Pick<Manifest, 'extensions'>): PackExtension | undefined {
  const p = m.extensions.pack as Partial<PackExtension> | undefined;
  if (typeof p !== 'object' || p === null || !Number.isSafeInteger(p.version) || !isRef(p.manifest, packEntry.manifest) || !isRef(p.thumbs, packEntry.thumbs)) return undefined;
  return { version: p.version as number, manifest: p.manifest, thumbs: p.thumbs };
}
