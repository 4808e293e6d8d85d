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
  /** Random access to the file's bytes (a Blob's windows, or HTTP Range requests). */
  reader: Reader<unknown>;
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
  return { fileName, size, entries, reader };
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
/** A stored entry's local header is 30 bytes, its name and an extra field (none, or Zip64's 20 bytes, from our writer). */
const HEADER_ROOM = 30 + 1024;
/** Largest single read when fetching neighbouring stored entries together. */
const SPAN = 8 << 20;

/**
 * Stored (uncompressed) entries read straight from the file: neighbours in one read of at most
 * 8 MB, each located by its local header (signature, name and method checked), no inflating.
 * zip.js's getData costs ~0.8 ms an entry in itself; a chunk's 256 thumbnails need one read here.
 * The caller checks the bytes (SHA-256). The same offsets serve HTTP Range requests.
 */
export async function readStored(zip: ZipIndex, names: readonly string[], signal?: AbortSignal): Promise<Map<string, Uint8Array>> {
  const entries = names.map((name) => {
    const e = zip.entries.get(name);
    if (!e) throw new LibraryFileError('missing-entry', zip.fileName, `it lacks the entry "${name}".`);
    if (e.compressionMethod !== 0 || e.compressedSize !== e.uncompressedSize) throw new LibraryFileError('bad-manifest', zip.fileName, `its entry "${name}" is compressed, and Glimpse stores it as is.`);
    if (e.uncompressedSize > limitFor(name)) throw new LibraryFileError('too-large', zip.fileName, `its entry "${name}" declares ${e.uncompressedSize} bytes.`);
    return e;
  });
  entries.sort((a, b) => a.offset - b.offset);
  const out = new Map<string, Uint8Array>();
  for (let i = 0; i < entries.length; ) {
    if (signal?.aborted) throw new AbortError();
    const start = entries[i]!.offset;
    let j = i;
    let end: number;
    do end = Math.min(zip.size, entries[j]!.offset + HEADER_ROOM + entries[j]!.compressedSize);
    while (++j < entries.length && Math.min(zip.size, entries[j]!.offset + HEADER_ROOM + entries[j]!.compressedSize) - start <= SPAN);
    let span: Uint8Array;
    try {
      span = await zip.reader.readUint8Array(start, end - start);
    } catch (e) {
      throw unreadable(e, zip.fileName) ?? new LibraryFileError('truncated', zip.fileName, `its entries at byte ${start} cannot be read (${messageOf(e)}).`);
    }
    for (const e of entries.slice(i, j)) out.set(e.filename, storedData(span, e.offset - start, e, zip.fileName));
    i = j;
  }
  return out;
}

function storedData(span: Uint8Array, at: number, e: FileEntry, fileName: string): Uint8Array {
  const view = new DataView(span.buffer, span.byteOffset, span.byteLength);
  const bad = (what: string): never => {
    throw new LibraryFileError('truncated', fileName, `its entry "${e.filename}" ${what}.`);
  };
  if (at + 30 > span.byteLength || view.getUint32(at, true) !== LOCAL_HEADER) bad('has no local header where its directory says');
  if (view.getUint16(at + 8, true) !== 0) bad('is compressed in its local header');
  const nameLength = view.getUint16(at + 26, true), extraLength = view.getUint16(at + 28, true);
  const data = at + 30 + nameLength + extraLength;
  if (data + e.compressedSize > span.byteLength) bad('ends beyond the file, or has an unexpected header');
  if (new TextDecoder().decode(span.subarray(at + 30, at + 30 + nameLength)) !== e.filename) bad('has another name in its local header');
  return span.slice(data, data + e.compressedSize);
}
