// Exporting the library as one `.glimpse` file, streamed: the library is read a chunk of rows at
// a time (rows, vectors, thumbnails) and written out before the next is read, so its size never
// sits in memory. Originals are included only where reading them is already allowed.
import { LibraryPack } from '../../src/archive/library-pack';
import { LibraryWriter, type ExportPhoto } from '../../src/archive/library-writer';
import { removeTempExport, tempExportFile, writableFor } from '../../src/archive/targets';
import { CHUNK_SIZE, unitScaleOf } from '../../src/core/archive/index';
import { throwIfAborted } from '../../src/core/errors';
import { readExportPage, storedHandles } from '../../src/storage/archive-store';
import { countImages, handleById, thumbById, type GlimpseDB } from '../../src/storage/library-store';
import type { Library } from './library';
import { version } from '../../package.json';

export interface ExportProgress {
  /** 'index': the search index the file carries (its pack) is being built. */
  phase: 'photos' | 'originals' | 'index';
  done: number;
  total: number;
  bytes: number;
}

export interface ExportResult {
  photos: number;
  originals: number;
  /** Photos left out: no thumbnail or no vectors (the consistency check names them). */
  skipped: number;
  bytes: number;
}

export interface ExportOptions {
  originals: boolean;
  revisionOf: (id: string) => string;
  onProgress?: (p: ExportProgress) => void;
  signal?: AbortSignal;
}

/** Where an export goes: a file the person picked, or a temporary file the page then downloads. */
export type ExportTarget = { kind: 'handle'; handle: FileSystemFileHandle } | { kind: 'temp'; name: string };

type Readable = FileSystemFileHandle & { queryPermission?(d: { mode: 'read' }): Promise<PermissionState> };

/** The original behind a kept handle, when reading it is already allowed (a worker cannot ask). */
async function readableOriginal(handle: FileSystemFileHandle | undefined): Promise<File | undefined> {
  const h = handle as Readable | undefined;
  try {
    if (!h || (await h.queryPermission?.({ mode: 'read' })) !== 'granted') return undefined;
    return await h.getFile();
  } catch {
    return undefined; // moved or deleted: the export goes on without it
  }
}

/** How many originals an export could include, and their size (Settings shows it beside the checkbox). */
export async function originalsOnOffer(db: GlimpseDB): Promise<{ count: number; bytes: number }> {
  let count = 0, bytes = 0;
  for (const { handle } of await storedHandles(db)) {
    const file = await readableOriginal(handle);
    if (file) {
      count++;
      bytes += file.size;
    }
  }
  return { count, bytes };
}

/** A stored thumbnail's bytes and type (Blob reads go out together: each is a disk read). */
async function thumbBytes(thumb: Blob | undefined): Promise<{ bytes: Uint8Array; type: string } | undefined> {
  return thumb && { bytes: new Uint8Array(await thumb.arrayBuffer()), type: thumb.type };
}

async function sha256Of(file: Blob): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function exportLibrary(library: Library, target: WritableStream<Uint8Array>, o: ExportOptions): Promise<ExportResult> {
  const { db } = library;
  const total = await countImages(db);
  const writer = await LibraryWriter.create(target, { app: { name: 'Glimpse', version }, revisionOf: o.revisionOf, signal: o.signal });
  // The pack the file carries, so it opens in place (src/archive/library-pack.ts).
  const pack = new LibraryPack(o.signal);
  /** Photo index in the file → image id, for the originals written at the end. */
  const originalIds = new Map<number, number>();
  let photos = 0, skipped = 0, after = 0;
  try {
    for (;;) {
      throwIfAborted(o.signal);
      const page = await readExportPage(db, after, CHUNK_SIZE);
      if (page.length === 0) break;
      after = page.at(-1)!.row.id;
      const chunk: ExportPhoto[] = [];
      const thumbs = await Promise.all(page.map(async (p) => thumbBytes(await thumbById(db, p.row.id))));
      for (const [k, { row, vectors }] of page.entries()) {
        const thumb = thumbs[k];
        if (!thumb || thumb.bytes.byteLength === 0 || !vectors) {
          skipped++;
          continue;
        }
        const { id: _id, ...fields } = row;
        const photo: ExportPhoto = {
          ...fields,
          thumb,
          // The unit scale the forests use for these codes (library.ts forestVector): an import then holds the very same vectors.
          vectors: { text: { codes: vectors.text, scale: vectors.textScale, unitScale: unitScaleOf(vectors.text) }, visual: { codes: vectors.visual, scale: vectors.visualScale, unitScale: unitScaleOf(vectors.visual) } },
        };
        if (o.originals) {
          const file = await readableOriginal(await handleById(db, row.id));
          // Only the very file that was indexed (an edited photo is another file).
          if (file && file.size === row.size && (await sha256Of(file)) === row.sha256) {
            photo.original = { bytes: file.size, type: file.type || row.type };
            originalIds.set(photos + chunk.length, row.id);
          }
        }
        chunk.push(photo);
      }
      if (chunk.length > 0) {
        const { index, entries } = await writer.addChunk(chunk);
        pack.add(index, chunk, entries);
      }
      photos += chunk.length;
      o.onProgress?.({ phase: 'photos', done: photos + skipped, total, bytes: writer.bytes });
    }
    await writer.finish(
      async (index) => {
        const file = await readableOriginal(await handleById(db, originalIds.get(index)!));
        if (!file) throw new Error('An original file is no longer readable; export again without originals.');
        return file;
      },
      (done) => o.onProgress?.({ phase: 'originals', done, total: originalIds.size, bytes: writer.bytes }),
      async () => {
        o.onProgress?.({ phase: 'index', done: 0, total: photos, bytes: writer.bytes });
        return { pack: await pack.write(writer) };
      },
    );
  } catch (e) {
    await writer.abort(e);
    throw e;
  }
  return { photos, originals: originalIds.size, skipped, bytes: writer.bytes };
}

/** exportLibrary into `target`; `tempFile` names the temporary file to download. A cancelled or failed export leaves no temporary file behind. */
export async function exportInto(library: Library, target: ExportTarget, o: ExportOptions): Promise<ExportResult & { tempFile?: string }> {
  const temp = target.kind === 'temp' ? await tempExportFile(target.name) : undefined;
  try {
    const writable = await writableFor(temp?.handle ?? (target as { handle: FileSystemFileHandle }).handle);
    return { ...(await exportLibrary(library, writable, o)), tempFile: temp?.fileName };
  } catch (e) {
    if (temp) await removeTempExport(temp.fileName);
    throw e;
  }
}
