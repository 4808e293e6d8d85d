// Checks on the zip's directory before any entry is read: names, duplicates and declared sizes
// (a zip bomb is refused by what it declares; the streaming reader enforces the same limits).
import { LibraryFileError } from './errors.ts';

/** What the central directory says of an entry. */
export interface EntryInfo {
  name: string;
  /** Declared sizes, in bytes. */
  compressedSize: number;
  uncompressedSize: number;
  /** 0 stored, 8 deflated. */
  method: number;
  directory: boolean;
}

export const LIMITS = {
  manifest: 32 << 20,
  records: 64 << 20,
  /** A 256-px thumbnail is tens of KB; 8 MB is far beyond any. */
  thumb: 8 << 20,
  /** A chunk's thumbnails (stored, so never larger than the file, and read a few at a time). */
  thumbs: 2 ** 31,
  /** Entries this reader does not know are never read; their declared size still counts. */
  other: 1 << 30,
  /** Largest inflate ratio accepted for a deflated entry (JSON deflates ~5–15×; bombs go ~1000×). */
  ratio: 200,
  entries: 5_000_000,
} as const;

/** Why an entry name is unsafe (a path that escapes, an absolute or drive path, control characters), or undefined. */
export function unsafeNameReason(name: string): string | undefined {
  if (name.length === 0) return 'an empty name';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'control characters';
  if (name.includes('\\')) return 'a backslash';
  if (name.startsWith('/')) return 'an absolute path';
  if (/^[a-zA-Z]:/.test(name)) return 'a drive letter';
  if (name.split('/').some((s) => s === '..')) return 'a "../" path';
  return undefined;
}

/** Refuses unsafe names, duplicate names, too many entries and sizes no library has. */
export function checkDirectory(entries: readonly EntryInfo[], fileName: string, fileSize: number): void {
  if (entries.length > LIMITS.entries) throw new LibraryFileError('too-large', fileName, `it has ${entries.length} entries.`);
  const seen = new Set<string>();
  let declared = 0;
  for (const e of entries) {
    const why = unsafeNameReason(e.name);
    if (why) throw new LibraryFileError('unsafe-name', fileName, `it holds an entry named "${e.name}", ${why}.`);
    if (seen.has(e.name)) throw new LibraryFileError('duplicate-entry', fileName, `it holds two entries named "${e.name}".`);
    seen.add(e.name);
    if (e.directory) continue;
    const limit = limitFor(e.name);
    if (e.uncompressedSize > limit) throw new LibraryFileError('too-large', fileName, `its entry "${e.name}" declares ${e.uncompressedSize} bytes (at most ${limit} are accepted).`);
    if (e.method !== 0 && e.uncompressedSize > 1 << 20 && e.uncompressedSize > e.compressedSize * LIMITS.ratio) {
      throw new LibraryFileError('too-large', fileName, `its entry "${e.name}" would inflate ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))}× (a zip bomb).`);
    }
    if (e.method === 0 && e.compressedSize !== e.uncompressedSize) throw new LibraryFileError('bad-manifest', fileName, `its stored entry "${e.name}" declares two sizes.`);
    if (e.compressedSize > fileSize) throw new LibraryFileError('truncated', fileName, `its entry "${e.name}" is larger than the file.`);
    declared += e.compressedSize;
  }
  if (declared > fileSize) throw new LibraryFileError('truncated', fileName, 'its entries add up to more bytes than the file has.');
}

/** Largest size accepted for an entry of this name. */
export function limitFor(name: string): number {
  if (name === 'manifest.json') return LIMITS.manifest;
  if (name.startsWith('photos/')) return LIMITS.records;
  if (name.startsWith('thumbs/')) return LIMITS.thumbs;
  if (name.startsWith('vectors/')) return LIMITS.records;
  // Originals are never read by an import; a pack's parts are read by the pack reader, with its own limits.
  return name.startsWith('originals/') ? Number.MAX_SAFE_INTEGER : LIMITS.other;
}
