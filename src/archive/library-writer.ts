// Writes a `.glimpse` library as a stream, one chunk at a time: nothing but the chunk in hand
// (and the manifest's table, a few hundred bytes per chunk) is held in memory. Layout, in file
// order: mimetype, then per chunk its records, its vectors and its thumbnails, then the originals,
// then manifest.json next to the central directory (one tail read gets both). See docs/LIBRARY-FORMAT.md.
import {
  CHUNK_SIZE,
  encodeVectorRows,
  entryName,
  FORMAT,
  FORMAT_VERSION,
  MIMETYPE,
  MIN_READER_VERSION,
  VECTOR_KINDS,
  type ChunkRef,
  type EntryRef,
  type Manifest,
  type ModelRef,
  type PhotoEntry,
  type StoredRow,
  type VectorEntryRef,
  type VectorKind,
} from '../core/archive/index.ts';
import { crc32 } from '../core/crc32.ts';
import { GlimpseError, throwIfAborted } from '../core/errors.ts';
import type { PhotoFields } from '../core/photo/fields.ts';
import { sha256Hex } from './sha256.ts';
import { Uint8ArrayReader, ZipWriter } from './zip.ts';


/** One photo as the library stores it (its per-photo fields), ready to be written. */
export interface ExportPhoto extends PhotoFields {
  thumb: { bytes: Uint8Array; type: string };
  vectors: Record<VectorKind, StoredRow>;
  /** Include the original file (read again at the end, when the originals are written). */
  original?: { bytes: number; type: string };
}

export interface WriterOptions {
  app: { name: string; version: string };
  /** The revision of a model id in the app's models/manifest.json ('' when unknown). */
  revisionOf: (id: string) => string;
  created?: Date;
  signal?: AbortSignal;
  /** Zip64 records for every entry (zip.js switches to them by itself past 4 GiB or 65,535 entries; tests force them). */
  zip64?: boolean;
}

const json = (x: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(x));

/** Counts what passes on to the target; `fail` errors the pipe, which aborts the target (a picked file is then not replaced). */
function counting(target: WritableStream<Uint8Array>, onBytes: (n: number) => void): { writable: WritableStream<Uint8Array>; piped: Promise<void>; fail: (e: unknown) => void } {
  let control: TransformStreamDefaultController<Uint8Array> | undefined;
  const count = new TransformStream<Uint8Array, Uint8Array>({
    start(c) {
      control = c;
    },
    transform(chunk, c) {
      onBytes(chunk.byteLength);
      c.enqueue(chunk);
    },
  });
  const piped = count.readable.pipeTo(target);
  piped.catch(() => {}); // reported by finish(), or moot after fail()
  return { writable: count.writable, piped, fail: (e) => control?.error(e) };
}

export class LibraryWriter {
  private readonly zip: ZipWriter<unknown>;
  private readonly models: ModelRef[] = [];
  private readonly chunks: ChunkRef[] = [];
  private readonly originals: { index: number; path: string; sha256: string; bytes: number }[] = [];
  private photos = 0;
  private written = 0;
  private readonly out: ReturnType<typeof counting>;

  private constructor(
    target: WritableStream<Uint8Array>,
    private readonly opts: WriterOptions,
  ) {
    this.out = counting(target, (n) => (this.written += n));
    // Sizes and CRC in every local header (no data descriptors): a reader can walk the entries, or fetch one by its offset, without the central directory.
    this.zip = new ZipWriter(this.out.writable, { useWebWorkers: false, keepOrder: true, dataDescriptor: false, extendedTimestamp: false, level: 0, lastModDate: opts.created ?? new Date(), signal: opts.signal, zip64: opts.zip64 ?? false });
  }

  /** Stops writing: the target is aborted (a file picked to save into keeps its old content). */
  abort(reason: unknown): Promise<void> {
    this.out.fail(reason);
    return this.out.piped.catch(() => {});
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.written;
  }

  static async create(target: WritableStream<Uint8Array>, opts: WriterOptions): Promise<LibraryWriter> {
    const w = new LibraryWriter(target, opts);
    await w.add(entryName.mimetype, new TextEncoder().encode(MIMETYPE), false);
    return w;
  }

  private async add(path: string, bytes: Uint8Array, deflate: boolean, known?: string): Promise<EntryRef> {
    throwIfAborted(this.opts.signal);
    const sha256 = known ?? (await sha256Hex(bytes));
    // A stored entry goes as it is, its CRC-32 given: zip.js then writes it straight to the target
    // (the local header first) instead of holding a copy of it until its CRC is known.
    const how = deflate ? { level: 6 } : { level: 0, passThrough: true, compressionMethod: 0, uncompressedSize: bytes.byteLength, crc32: crc32(bytes) };
    await this.zip.add(path, new Uint8ArrayReader(bytes), { ...how, signal: this.opts.signal });
    return { path, bytes: bytes.byteLength, sha256 };
  }

  /** The index of a model in the manifest, added on first use; its dimension must never change. */
  private modelIndex(id: string, role: ModelRef['role'], dim: number, photo: string): number {
    let i = this.models.findIndex((m) => m.id === id && m.role === role);
    if (i < 0) i = this.models.push({ id, role, revision: this.opts.revisionOf(id), dim }) - 1;
    if (this.models[i]!.dim !== dim) throw new GlimpseError('ExportError', `${photo}: its vector from ${id} has ${dim} dimensions, other photos' have ${this.models[i]!.dim}. Run Settings → Diagnostics → Check library.`);
    return i;
  }

  /** A stored entry the manifest does not list by itself (the pack's: src/archive/library-pack.ts). */
  addStored(path: string, bytes: Uint8Array, sha256?: string): Promise<EntryRef> {
    return this.add(path, bytes, false, sha256);
  }

  /** Writes one chunk (at most CHUNK_SIZE photos): records, then vectors, then its thumbnails in one entry. Returns its index and records. */
  async addChunk(photos: readonly ExportPhoto[]): Promise<{ index: number; entries: PhotoEntry[] }> {
    if (photos.length === 0 || photos.length > CHUNK_SIZE) throw new Error(`a chunk holds 1 to ${CHUNK_SIZE} photos`);
    const index = this.chunks.length;
    const first = this.photos;
    let offset = 0;
    const entries: PhotoEntry[] = photos.map((p, j) => {
      const { thumb, vectors: _vectors, original, ...row } = p;
      const n = first + j;
      const entry: PhotoEntry = { ...row, thumb: { offset, bytes: thumb.bytes.byteLength, sha256: '', type: thumb.type } };
      offset += thumb.bytes.byteLength;
      // An original is the file the library hashed: its SHA-256 is the photo's.
      if (original) entry.original = { path: entryName.original(n, p.name), bytes: original.bytes, sha256: p.sha256, type: original.type };
      return entry;
    });
    await Promise.all(entries.map(async (e, j) => (e.thumb.sha256 = await sha256Hex(photos[j]!.thumb.bytes))));
    // Vectors grouped by (kind, model), rows in photo order (the reader's vectorSlots).
    const groups = new Map<string, { kind: VectorKind; model: number; rows: StoredRow[] }>();
    for (const p of photos) {
      for (const kind of VECTOR_KINDS) {
        const v = p.vectors[kind];
        const model = kind === 'text' ? this.modelIndex(p.record.models.embedder, 'embedder', v.codes.length, p.name) : this.modelIndex(p.record.models.captioner, 'captioner', v.codes.length, p.name);
        const key = `${kind}:${model}`;
        const g = groups.get(key) ?? { kind, model, rows: [] };
        g.rows.push(v);
        groups.set(key, g);
      }
    }
    const records = await this.add(entryName.records(index), json(entries), true);
    const vectors: VectorEntryRef[] = [];
    for (const g of [...groups.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.model - b.model)) {
      const ref = await this.add(entryName.vectors(index, g.kind, g.model), encodeVectorRows(g.rows, this.models[g.model]!.dim), false);
      vectors.push({ ...ref, kind: g.kind, model: g.model, rows: g.rows.length });
    }
    // The thumbnails, one after another in one stored entry: one part to fetch for a chunk, a
    // central directory that stays small, and each thumbnail one range of the file.
    const packed = new Uint8Array(offset);
    photos.forEach((p, j) => packed.set(p.thumb.bytes, entries[j]!.thumb.offset));
    const thumbs = await this.add(entryName.thumbs(index), packed, false);
    for (const [j, e] of entries.entries()) if (e.original) this.originals.push({ index: first + j, path: e.original.path, sha256: e.sha256, bytes: e.original.bytes });
    this.chunks.push({ first, count: photos.length, records, vectors, thumbs });
    this.photos += photos.length;
    return { index, entries };
  }

  /**
   * Writes the originals (`read(index)` gives each file again; it must still be the one that was
   * hashed), then what `extensions` writes (the pack), then the manifest, then the central
   * directory. Returns the manifest.
   */
  async finish(read: (index: number) => Promise<Blob>, onOriginal?: (done: number) => void, extensions?: () => Promise<Record<string, unknown>>): Promise<Manifest> {
    for (const [k, o] of this.originals.entries()) {
      const bytes = new Uint8Array(await (await read(o.index)).arrayBuffer());
      if (bytes.byteLength !== o.bytes || (await sha256Hex(bytes)) !== o.sha256) {
        throw new GlimpseError('ExportError', `The original of ${o.path.split('/').pop()} changed while the library was exported. Export again.`);
      }
      await this.add(o.path, bytes, false);
      onOriginal?.(k + 1);
    }
    const manifest: Manifest = {
      format: FORMAT,
      version: FORMAT_VERSION,
      minReaderVersion: MIN_READER_VERSION,
      app: this.opts.app,
      created: (this.opts.created ?? new Date()).toISOString(),
      counts: { photos: this.photos, thumbnails: this.photos, originals: this.originals.length, chunks: this.chunks.length },
      chunkSize: CHUNK_SIZE,
      models: this.models,
      chunks: this.chunks,
      extensions: (await extensions?.()) ?? {},
    };
    await this.add(entryName.manifest, json(manifest), true);
    await this.zip.close();
    await this.out.piped;
    return manifest;
  }
}
