// The pack a format-2 library file carries, so the file can be searched in place (the pack reader
// reads each part as a slice of the file): built once the chunks are written, from what they
// held, by the pack writer (src/core/pack/write.ts), its parts stored as `p/<sha256>` entries.
// Thumbnails are not written twice: each is handed to the pack writer as a part already stored
// (its SHA-256 and size), the one in its chunk's thumbnails entry; pack-thumbs.json says where.
import { packEntry, type EntryRef, type PackExtension, type PackThumbs, type PhotoEntry } from '../core/archive/index.ts';
import { throwIfAborted } from '../core/errors.ts';
import { PACK_VERSION } from '../core/pack/format.ts';
import { buildPack, type PackItem, type PackVector } from '../core/pack/write.ts';
import type { ExportPhoto } from './library-writer.ts';
import { sha256Hex } from './sha256.ts';

/** Where the pack's entries go: stored (uncompressed) entries of the library file. */
export interface StoredEntries {
  /** `sha256`: the bytes' SHA-256 when the caller has it already (a part's name), so they are not hashed twice. */
  addStored(path: string, bytes: Uint8Array, sha256?: string): Promise<EntryRef>;
}

/** Raw deflate by the platform (CompressionStream: browsers and Node). */
async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The vector as the library's forests hold it (codes × unit scale), kept as codes until the pack is built: a quarter of the floats (46 → 11.5 MB at 10,000 photos of 384 + 768 dimensions). */
const unitVector = (v: { codes: Int8Array; unitScale: number }): PackVector => ({ codes: v.codes, unitScale: v.unitScale });

export class LibraryPack {
  private readonly items: PackItem[] = [];
  private readonly thumbs: PackThumbs = {};

  constructor(private readonly signal?: AbortSignal) {}

  /** Chunk `index`'s photos as written (`entries`: where each thumbnail sits in its thumbnails entry). */
  add(index: number, photos: readonly ExportPhoto[], entries: readonly PhotoEntry[]): void {
    photos.forEach((p, j) => {
      const t = entries[j]!.thumb;
      this.thumbs[t.sha256] ??= [index, t.offset, t.bytes];
      this.items.push({
        sha256: p.sha256,
        name: p.name,
        path: p.path,
        size: p.size,
        type: p.type,
        width: p.width,
        height: p.height,
        ...(p.phash === undefined ? {} : { phash: p.phash }),
        takenAt: p.takenAt ?? p.addedAt,
        record: p.record,
        text: unitVector(p.vectors.text),
        visual: unitVector(p.vectors.visual),
        thumb: { part: t.sha256, bytes: t.bytes },
        models: p.record.models,
      });
    });
  }

  /** Builds the pack and writes its parts, pack.json and pack-thumbs.json; returns `extensions.pack`. Stops at `signal` (AbortError): between parts, and within the forests' builds. */
  async write(out: StoredEntries): Promise<PackExtension> {
    const written = new Set<string>();
    const sink = {
      put: async (bytes: Uint8Array): Promise<string> => {
        throwIfAborted(this.signal);
        const hash = await sha256Hex(bytes);
        if (!written.has(hash)) {
          written.add(hash);
          await out.addStored(packEntry.part(hash), bytes, hash);
        }
        return hash;
      },
    };
    const manifest = await buildPack(this.items, { sink, deflateRaw, signal: this.signal });
    throwIfAborted(this.signal);
    this.items.length = 0; // the vectors are no longer needed
    return {
      version: PACK_VERSION,
      manifest: await out.addStored(packEntry.manifest, new TextEncoder().encode(JSON.stringify(manifest))),
      thumbs: await out.addStored(packEntry.thumbs, new TextEncoder().encode(JSON.stringify(this.thumbs))),
    };
  }
}
