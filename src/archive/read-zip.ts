// Opening a zip for reading: its central directory (random access: a Blob is read in slices,
// an HTTP resource by Range requests), checked before any entry is read, and entries read into
// memory no larger than they declare (a lying size is stopped while streaming).
import { checkDirectory, limitFor, LibraryFileError, type EntryInfo } from '../core/archive/index.ts';
import { AbortError } from '../core/errors.ts';
import { BlobReader, ERR_EOCDR_NOT_FOUND, ERR_INVALID_CRC32, ERR_INVALID_UNCOMPRESSED_SIZE, ZipReader, type FileEntry, type Reader } from './zip.ts';

export type ZipSource = Blob | Reader<unknown>;

export interface ZipIndex {
  fileName: string;
  size: number;
  entries: Map<string, FileEntry>;
  /** Random access to the file's bytes (a Blob's slices, or HTTP Range requests). */
  reader: Reader<unknown>;
  /** Where each stored entry's data starts, once its local header was read. */
  dataOffsets: Map<string, number>;
}

/** zip.js errors are told apart by message (its exported ERR_* strings). */
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const nameOf = (e: unknown): string => (typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '');

/** File errors of the platform (moved, changed, no permission) as a LibraryFileError. */
function unreadable(e: unknown, fileName: string): LibraryFileError | undefined {
  return ['NotReadableError', 'NotFoundError', 'NotAllowedError'].includes(nameOf(e)) ? new LibraryFileError('unreadable', fileName, `it could not be read (${messageOf(e)}).`) : undefined;
}

async function startsLikeZip(source: ZipSource): Promise<boolean> {
  const head = source instanceof Blob ? new Uint8Array(await source.slice(0, 4).arrayBuffer()) : await source.readUint8Array(0, Math.min(4, source.size));
  return head.length === 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

export async function openZip(source: ZipSource, fileName: string): Promise<ZipIndex> {
  const reader: Reader<unknown> = source instanceof Blob ? new BlobReader(source) : source;
  if (source instanceof Blob && source.size === 0) throw new LibraryFileError('empty', fileName, 'the file is empty (0 bytes).');
  let list: Awaited<ReturnType<ZipReader<unknown>['getEntries']>>;
  try {
    // Names are checked below, with messages of our own; duplicates are kept so they can be refused.
    list = await new ZipReader(reader, { filenameValidation: 'tolerant', strictness: 'balanced', useWebWorkers: false }).getEntries();
  } catch (e) {
    const cause = unreadable(e, fileName);
    if (cause) throw cause;
    const zipLike = await startsLikeZip(source).catch((e2: unknown) => {
      throw unreadable(e2, fileName) ?? e2;
    });
    if (zipLike) throw new LibraryFileError('truncated', fileName, `it starts like a zip but its directory is missing or damaged (${messageOf(e) === ERR_EOCDR_NOT_FOUND ? 'no end record' : messageOf(e)}).`);
    throw new LibraryFileError('not-zip', fileName, 'it is not a zip file, so not a Glimpse library.');
  }
  const size = source instanceof Blob ? source.size : source.size;
  const infos: EntryInfo[] = list.map((e) => ({ name: e.filename, compressedSize: e.compressedSize, uncompressedSize: e.uncompressedSize, method: e.compressionMethod, directory: e.directory }));
  checkDirectory(infos, fileName, size);
  const entries = new Map<string, FileEntry>();
  for (const e of list) if (!e.directory) entries.set(e.filename, e);
  return { fileName, size, entries, reader, dataOffsets: new Map() };
}

/** A WritableStream into a buffer of exactly `size` bytes: more is refused as it arrives. */
function boundedSink(size: number, name: string, fileName: string): { stream: WritableStream<Uint8Array>; bytes: () => Uint8Array } {
  const out = new Uint8Array(size);
  let at = 0;
  const stream = new WritableStream<Uint8Array>({
    write(chunk) {
      if (at + chunk.byteLength > size) throw new LibraryFileError('too-large', fileName, `its entry "${name}" holds more bytes than it declares (${size}).`);
      out.set(chunk, at);
      at += chunk.byteLength;
    },
  });
  return {
    stream,
    bytes: () => {
      if (at !== size) throw new LibraryFileError('truncated', fileName, `its entry "${name}" holds ${at} bytes, and declares ${size}.`);
      return out;
    },
  };
}

/** Reads a whole entry (CRC-32 checked), never more than its kind's limit or its declared size. */
export async function readEntry(zip: ZipIndex, name: string, signal?: AbortSignal): Promise<Uint8Array> {
  const entry = zip.entries.get(name);
  if (!entry) throw new LibraryFileError('missing-entry', zip.fileName, `it lacks the entry "${name}".`);
  if (entry.uncompressedSize > limitFor(name)) throw new LibraryFileError('too-large', zip.fileName, `its entry "${name}" declares ${entry.uncompressedSize} bytes.`);
  const sink = boundedSink(entry.uncompressedSize, name, zip.fileName);
  try {
    await entry.getData(sink.stream, { checkCrc32: true, checkOverlappingEntry: true, signal, useWebWorkers: false });
  } catch (e) {
    if (signal?.aborted) throw new AbortError();
    if (e instanceof LibraryFileError) throw e;
    const cause = unreadable(e, zip.fileName);
    if (cause) throw cause;
    const m = messageOf(e);
    if (m === ERR_INVALID_CRC32) throw new LibraryFileError('checksum', zip.fileName, `its entry "${name}" does not match its CRC-32.`);
    if (m === ERR_INVALID_UNCOMPRESSED_SIZE) throw new LibraryFileError('too-large', zip.fileName, `its entry "${name}" inflates beyond the size it declares.`);
    throw new LibraryFileError('truncated', zip.fileName, `its entry "${name}" cannot be read (${m}).`);
  }
  return sink.bytes();
}

const LOCAL_HEADER = 0x04034b50;
/** Largest single read when fetching neighbouring ranges together. */
const SPAN = 8 << 20;

/** Where a stored entry's bytes start: its local header (signature, method, name checked) read once. */
async function dataOffset(zip: ZipIndex, e: FileEntry): Promise<number> {
  const known = zip.dataOffsets.get(e.filename);
  if (known !== undefined) return known;
  const bad = (what: string): never => {
    throw new LibraryFileError('truncated', zip.fileName, `its entry "${e.filename}" ${what}.`);
  };
  const name = new TextEncoder().encode(e.filename);
  let head: Uint8Array;
  try {
    head = await zip.reader.readUint8Array(e.offset, Math.min(30 + name.length, zip.size - e.offset));
  } catch (err) {
    throw unreadable(err, zip.fileName) ?? err;
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.byteLength < 30 + name.length || view.getUint32(0, true) !== LOCAL_HEADER) bad('has no local header where its directory says');
  if (view.getUint16(8, true) !== 0) bad('is compressed in its local header');
  if (view.getUint16(26, true) !== name.length || head.subarray(30).some((b, i) => b !== name[i])) bad('has another name in its local header');
  const at = e.offset + 30 + name.length + view.getUint16(28, true);
  if (at + e.compressedSize > zip.size) bad('ends beyond the end of the file');
  zip.dataOffsets.set(e.filename, at);
  return at;
}

/**
 * Byte ranges of a stored (uncompressed) entry, read straight from the file: neighbouring ranges
 * in one read of at most 8 MB, no inflating (zip.js's getData costs ~0.8 ms an entry in itself).
 * The caller checks the bytes (SHA-256). The same offsets serve HTTP Range requests.
 */
export async function readStoredRanges(zip: ZipIndex, name: string, ranges: readonly { offset: number; bytes: number }[], signal?: AbortSignal): Promise<Uint8Array[]> {
  const e = zip.entries.get(name);
  if (!e) throw new LibraryFileError('missing-entry', zip.fileName, `it lacks the entry "${name}".`);
  if (e.compressionMethod !== 0 || e.compressedSize !== e.uncompressedSize) throw new LibraryFileError('bad-manifest', zip.fileName, `its entry "${name}" is compressed, and Glimpse stores it as is.`);
  for (const r of ranges) {
    if (r.offset < 0 || r.bytes < 0 || r.offset + r.bytes > e.uncompressedSize) throw new LibraryFileError('counts', zip.fileName, `bytes ${r.offset}–${r.offset + r.bytes} are outside its entry "${name}" (${e.uncompressedSize} bytes).`);
  }
  const base = await dataOffset(zip, e);
  const order = ranges.map((_, i) => i).sort((a, b) => ranges[a]!.offset - ranges[b]!.offset);
  const out = new Array<Uint8Array>(ranges.length);
  for (let i = 0; i < order.length; ) {
    if (signal?.aborted) throw new AbortError();
    const start = ranges[order[i]!]!.offset;
    let j = i + 1;
    let end = start + ranges[order[i]!]!.bytes;
    while (j < order.length && Math.max(end, ranges[order[j]!]!.offset + ranges[order[j]!]!.bytes) - start <= SPAN) end = Math.max(end, ranges[order[j]!]!.offset + ranges[order[j++]!]!.bytes);
    let span: Uint8Array;
    try {
      span = end > start ? await zip.reader.readUint8Array(base + start, end - start) : new Uint8Array(0);
    } catch (err) {
      throw unreadable(err, zip.fileName) ?? new LibraryFileError('truncated', zip.fileName, `its entry "${name}" cannot be read (${messageOf(err)}).`);
    }
    for (const k of order.slice(i, j)) out[k] = span.slice(ranges[k]!.offset - start, ranges[k]!.offset - start + ranges[k]!.bytes);
    i = j;
  }
  return out;
}

/** Whole stored entries (each at most its kind's limit). */
export async function readStored(zip: ZipIndex, names: readonly string[], signal?: AbortSignal): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const name of names) {
    const e = zip.entries.get(name);
    if (e && e.uncompressedSize > limitFor(name)) throw new LibraryFileError('too-large', zip.fileName, `its entry "${name}" declares ${e.uncompressedSize} bytes.`);
    out.set(name, (await readStoredRanges(zip, name, [{ offset: 0, bytes: e?.uncompressedSize ?? 0 }], signal))[0]!);
  }
  return out;
}
