// A thumbnail is shown in an <img>: its bytes must be an image a browser draws, of the type its
// record says. Sniffed by magic bytes (src/core/image), never trusted by name or declared type.
import { sniffImage } from '../image/sniff.ts';
import { LibraryFileError } from './errors.ts';
import type { PhotoEntry } from './format.ts';

const DRAWN = new Set(['jpeg', 'png', 'webp', 'gif', 'bmp', 'avif']);

export function checkThumb(bytes: Uint8Array, photo: PhotoEntry, index: number, entry: string, fileName: string): void {
  const sniffed = sniffImage(bytes, photo.name);
  const label = `the thumbnail of photo ${index + 1} ("${photo.name.slice(0, 80)}") in ${entry}`;
  if (!DRAWN.has(sniffed.kind) || sniffed.headerDamaged || sniffed.truncated) {
    throw new LibraryFileError('not-image', fileName, `${label} is not an image (${sniffed.kind === 'unknown' ? 'unknown bytes' : sniffed.kind}${sniffed.truncated ? ', cut short' : ''}).`);
  }
  if (sniffed.mime !== photo.thumb.type) throw new LibraryFileError('not-image', fileName, `${label} is ${sniffed.mime}, and its record says ${photo.thumb.type}.`);
}
