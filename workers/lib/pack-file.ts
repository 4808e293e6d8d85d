// A `.glimpse` library file (format 2) opened in place: the pack it carries (pack.json and stored
// p/<sha256> parts) is read through the same PackSource and PackLibrary as a pack over HTTP, each
// part a slice of the File found through the zip's central directory (src/archive/read-zip.ts).
// Thumbnail parts are not written twice: pack-thumbs.json says where each one sits in a chunk's
// thumbnails entry. Nothing is copied into IndexedDB; "Add to my library" imports the file itself.
import { LibraryFile } from '../../src/archive/library-reader';
import { readEntry, readStoredRanges, type ZipIndex } from '../../src/archive/read-zip';
import { sha256Hex } from '../../src/archive/sha256';
import { entryName, packEntry, packExtension, type EntryRef, type PackExtension, type PackThumbs } from '../../src/core/archive/index';
import { GlimpseError } from '../../src/core/errors';
import { checkManifest, PACK_OLDEST_READ, PACK_VERSION, PackError, packVersionRead, partPath, type PackManifest } from '../../src/core/pack/format';
import { PackSource, type PartBytes, type PartReader } from '../../src/pack/pack-source';
import { PackLibrary } from './pack-library';

/** A library file that carries no pack (format 1, saved by an older Glimpse): it can be imported, not opened in place. */
export class NoPackInFileError extends GlimpseError {
  constructor(readonly fileName: string) {
    super('NoPackInFileError', `${fileName} was saved by an older Glimpse and cannot be searched in place. Import it instead (its photos are added to your library), or export it again from a current Glimpse to get a file that opens in place.`);
  }
}

/** The parts of the pack a library file carries, read from the File by slices. */
export class ZipParts implements PartReader {
  readonly again = 'Copy the whole file again, or export the library again.';
  readonly remake = 'Export the library again with this version of Glimpse, or import the file instead.';
  private thumbs: Promise<PackThumbs> | undefined;

  constructor(
    private readonly zip: ZipIndex,
    private readonly ext: PackExtension,
  ) {}

  get label(): string {
    return this.zip.fileName;
  }

  error(why: string): PackError {
    return new PackError(this.label, why, `The library file ${this.label}`);
  }

  manifest(): Promise<Uint8Array> {
    return this.verified(this.ext.manifest);
  }

  async read(hash: string, range?: readonly [number, number]): Promise<PartBytes> {
    const name = packEntry.part(hash);
    const entry = this.zip.entries.get(name);
    let where: { path: string; offset: number; bytes: number };
    if (entry) where = { path: name, offset: 0, bytes: entry.uncompressedSize };
    else {
      const t = (await this.thumbMap())[hash];
      if (!t) throw this.error(`it lacks its part ${partPath(hash)}. ${this.again}`);
      where = { path: entryName.thumbs(t[0]), offset: t[1], bytes: t[2] };
    }
    const [a, b] = range ?? [0, where.bytes];
    if (a < 0 || b > where.bytes || b < a) throw this.error(`bytes ${a}–${b} are outside its part ${partPath(hash)}. ${this.again}`);
    const [bytes] = await readStoredRanges(this.zip, where.path, [{ offset: where.offset + a, bytes: b - a }]);
    return { bytes: bytes!, fetched: false };
  }

  /** pack-thumbs.json, read once, checked against its SHA-256. */
  private thumbMap(): Promise<PackThumbs> {
    this.thumbs ??= this.verified(this.ext.thumbs).then((b) => JSON.parse(new TextDecoder().decode(b)) as PackThumbs);
    this.thumbs.catch(() => (this.thumbs = undefined));
    return this.thumbs;
  }

  private async verified(ref: EntryRef): Promise<Uint8Array> {
    const bytes = await readEntry(this.zip, ref.path);
    if ((await sha256Hex(bytes)) !== ref.sha256) throw this.error(`its entry ${ref.path} does not match its SHA-256. ${this.again}`);
    return bytes;
  }
}

/** Checks the pack.json of a file: a pack format this build does not read says to export the file again. */
function checkFilePack(json: unknown, parts: ZipParts): PackManifest {
  const version = (json as { version?: unknown } | null)?.version;
  if (!packVersionRead(version)) throw parts.error(`its search index is pack format ${String(version)}, and this Glimpse reads formats ${PACK_OLDEST_READ} to ${PACK_VERSION}. ${parts.remake}`);
  try {
    return checkManifest(json, parts.label);
  } catch {
    throw parts.error(`its search index (${packEntry.manifest}) is damaged or altered. ${parts.remake}`);
  }
}

/** Opens the pack carried by library file `file`; NoPackInFileError when it carries none. */
export async function openPackFile(file: Blob, fileName: string): Promise<PackLibrary> {
  const library = await LibraryFile.open(file, fileName);
  const ext = packExtension(library.manifest);
  if (!ext) {
    if (library.manifest.extensions.pack !== undefined) throw new PackError(fileName, `its manifest.json describes its search index in a way this Glimpse does not read. Export the library again with this version of Glimpse, or import the file instead.`, `The library file ${fileName}`);
    throw new NoPackInFileError(fileName);
  }
  const parts = new ZipParts(library.zip, ext);
  if (!packVersionRead(ext.version)) throw parts.error(`its search index is pack format ${ext.version}, and this Glimpse reads formats ${PACK_OLDEST_READ} to ${PACK_VERSION}. ${parts.remake}`);
  return PackLibrary.from(await PackSource.from(parts, (json) => checkFilePack(json, parts)));
}
