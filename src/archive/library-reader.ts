// Reads a `.glimpse` library in place, part by part: the manifest first (the file's table of
// contents), then one chunk at a time (its records and vectors), then each thumbnail. Every part is
// checked against the SHA-256 that vouches for it before it is handed out. The source is a Blob
// (a picked file) or any zip.js Reader (e.g. HttpRangeReader for a pack served over HTTP).
import {
  checkThumb,
  decodeVectorRows,
  entryName,
  LibraryFileError,
  MIMETYPE,
  parseManifest,
  parsePhotos,
  vectorSlots,
  type Manifest,
  type ModelRef,
  type PhotoEntry,
  type VectorKind,
  type VectorRows,
} from '../core/archive/index.ts';
import { throwIfAborted } from '../core/errors.ts';
import { openZip, readEntry, readStored, readStoredRanges, type ZipIndex, type ZipSource } from './read-zip.ts';
import { sha256Hex } from './sha256.ts';

/** A photo's vector: its model and its row in that model's decoded entry. */
export interface PhotoVector {
  model: ModelRef;
  rows: VectorRows;
  row: number;
}

export interface LibraryChunk {
  index: number;
  photos: PhotoEntry[];
  /** Per photo (same order), its text and visual vector. */
  vectors: Record<VectorKind, PhotoVector>[];
}

/** What an import needs to know of each photo before writing: its hash and the models of its vectors. */
export interface CheckedPhoto {
  sha256: string;
  text: ModelRef;
  visual: ModelRef;
}

export interface ValidateProgress {
  photos: number;
  total: number;
}

export class LibraryFile {
  private constructor(
    readonly zip: ZipIndex,
    readonly manifest: Manifest,
  ) {}

  get fileName(): string {
    return this.zip.fileName;
  }

  /** The directory and the manifest, checked; no other entry is read yet. */
  static async open(source: ZipSource, fileName: string, signal?: AbortSignal): Promise<LibraryFile> {
    const zip = await openZip(source, fileName);
    if (!zip.entries.has(entryName.manifest)) throw new LibraryFileError('not-library', fileName, 'it is a zip file but not a Glimpse library (it has no manifest.json).');
    const mime = zip.entries.has(entryName.mimetype) ? new TextDecoder().decode(await readEntry(zip, entryName.mimetype, signal)) : '';
    if (mime !== MIMETYPE) throw new LibraryFileError('not-library', fileName, 'it is a zip file but not a Glimpse library (its mimetype entry is missing or wrong).');
    const manifest = parseManifest(new TextDecoder().decode(await readEntry(zip, entryName.manifest, signal)), fileName);
    // Every entry the manifest vouches for is there, with the size it says, before any is read.
    for (const c of manifest.chunks) {
      for (const ref of [c.records, ...c.vectors, c.thumbs]) {
        const e = zip.entries.get(ref.path);
        if (!e) throw new LibraryFileError('missing-entry', fileName, `it lacks the entry ${ref.path}, which its manifest.json lists.`);
        if (e.uncompressedSize !== ref.bytes) throw new LibraryFileError('counts', fileName, `its entry ${ref.path} holds ${e.uncompressedSize} bytes, and its manifest.json says ${ref.bytes}.`);
      }
    }
    return new LibraryFile(zip, manifest);
  }

  /** An entry's bytes, checked against the SHA-256 that vouches for them. */
  private async verified(path: string, sha256: string, signal?: AbortSignal): Promise<Uint8Array> {
    const bytes = await readEntry(this.zip, path, signal);
    if ((await sha256Hex(bytes)) !== sha256) throw new LibraryFileError('checksum', this.fileName, `its entry ${path} does not match its SHA-256.`);
    return bytes;
  }

  /** Chunk `i`: records and vectors, checked. `seen` collects SHA-256s across chunks (duplicates are refused). */
  async chunk(i: number, seen: Set<string>, signal?: AbortSignal): Promise<LibraryChunk> {
    const c = this.manifest.chunks[i]!;
    const text = new TextDecoder().decode(await this.verified(c.records.path, c.records.sha256, signal));
    const photos = parsePhotos(text, c, this.manifest, this.fileName, seen);
    for (const ref of photos.flatMap((p) => (p.original ? [p.original] : []))) {
      const e = this.zip.entries.get(ref.path);
      if (!e) throw new LibraryFileError('missing-entry', this.fileName, `it lacks the entry ${ref.path}, which a record of ${c.records.path} names.`);
      if (e.uncompressedSize !== ref.bytes) throw new LibraryFileError('counts', this.fileName, `its entry ${ref.path} holds ${e.uncompressedSize} bytes, and its record says ${ref.bytes}.`);
    }
    const decoded = new Map<string, VectorRows>();
    const stored = await readStored(this.zip, c.vectors.map((v) => v.path), signal);
    for (const v of c.vectors) {
      const model = this.manifest.models[v.model]!;
      const bytes = stored.get(v.path)!;
      if ((await sha256Hex(bytes)) !== v.sha256) throw new LibraryFileError('checksum', this.fileName, `its entry ${v.path} does not match its SHA-256.`);
      decoded.set(`${v.kind}:${v.model}`, decodeVectorRows(bytes, v.rows, model.dim, v.path, this.fileName));
    }
    const slots = vectorSlots(photos, this.manifest.models);
    const vectors = photos.map((p, j) => {
      const one = (kind: VectorKind): PhotoVector => {
        const { model, row } = slots[kind][j]!;
        const rows = decoded.get(`${kind}:${model}`);
        if (!rows || row >= rows.scales.length) {
          throw new LibraryFileError('counts', this.fileName, `photo ${c.first + j + 1} ("${p.name.slice(0, 80)}") has no ${kind} vector in chunk ${i}.`);
        }
        return { model: this.manifest.models[model]!, rows, row };
      };
      return { text: one('text'), visual: one('visual') };
    });
    for (const v of c.vectors) {
      const used = slots[v.kind].filter((s) => s.model === v.model).length;
      if (used !== v.rows) throw new LibraryFileError('counts', this.fileName, `its entry ${v.path} holds ${v.rows} vectors for ${used} photos.`);
    }
    return { index: i, photos, vectors };
  }

  /**
   * Thumbnails of some photos of chunk `chunk` (`indexes`: their places in the file, for messages),
   * neighbours read together; each checked against its SHA-256 and sniffed as an image of its type.
   * (The chunk's whole thumbnails entry is checked against its SHA-256 by `validate`.)
   */
  async thumbs(chunk: number, photos: readonly PhotoEntry[], indexes: readonly number[], signal?: AbortSignal): Promise<Uint8Array[]> {
    const entry = this.manifest.chunks[chunk]!.thumbs.path;
    const bytes = await readStoredRanges(this.zip, entry, photos.map((p) => p.thumb), signal);
    await Promise.all(
      photos.map(async (p, j) => {
        if ((await sha256Hex(bytes[j]!)) !== p.thumb.sha256) throw new LibraryFileError('checksum', this.fileName, `the thumbnail of photo ${indexes[j]! + 1} ("${p.name.slice(0, 80)}") in ${entry} does not match its SHA-256.`);
        checkThumb(bytes[j]!, p, indexes[j]!, entry, this.fileName);
      }),
    );
    return bytes;
  }

  /**
   * Reads and checks everything an import uses, writing nothing: every chunk, vector and thumbnail.
   * Returns each photo's hash and vector models (file order).
   */
  async validate(onProgress?: (p: ValidateProgress) => void, signal?: AbortSignal): Promise<CheckedPhoto[]> {
    const out: CheckedPhoto[] = [];
    const seen = new Set<string>();
    const total = this.manifest.counts.photos;
    let originals = 0;
    for (let i = 0; i < this.manifest.chunks.length; i++) {
      throwIfAborted(signal);
      const chunk = await this.chunk(i, seen, signal);
      const c = this.manifest.chunks[i]!;
      const whole = (await readStored(this.zip, [c.thumbs.path], signal)).get(c.thumbs.path)!;
      if ((await sha256Hex(whole)) !== c.thumbs.sha256) throw new LibraryFileError('checksum', this.fileName, `its entry ${c.thumbs.path} does not match its SHA-256.`);
      await this.thumbs(i, chunk.photos, chunk.photos.map((_, j) => c.first + j), signal);
      originals += chunk.photos.filter((p) => p.original).length;
      chunk.photos.forEach((p, j) => out.push({ sha256: p.sha256, text: chunk.vectors[j]!.text.model, visual: chunk.vectors[j]!.visual.model }));
      onProgress?.({ photos: this.manifest.chunks[i]!.first + chunk.photos.length, total });
    }
    if (originals !== this.manifest.counts.originals) throw new LibraryFileError('counts', this.fileName, `its manifest.json says ${this.manifest.counts.originals} originals, and its records name ${originals}.`);
    return out;
  }
}
