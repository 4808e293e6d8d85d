// When a photo was taken, from its EXIF (read in the worker, at index time). Undefined when the
// file has no usable date; the caller falls back to the file's lastModified.
import exifr from 'exifr';

/** EXIF lives in the first segments of a JPEG/TIFF/HEIC; 256 KiB covers it without reading the whole file. */
const HEAD_BYTES = 256 * 1024;

export async function exifTakenAt(file: Blob): Promise<number | undefined> {
  try {
    const head = await file.slice(0, HEAD_BYTES).arrayBuffer();
    const tags = (await exifr.parse(head, { pick: ['DateTimeOriginal', 'CreateDate', 'ModifyDate'] })) as Record<string, unknown> | undefined;
    for (const key of ['DateTimeOriginal', 'CreateDate', 'ModifyDate']) {
      const v = tags?.[key];
      if (v instanceof Date && !Number.isNaN(v.getTime())) return v.getTime();
    }
  } catch {
    // No EXIF, or a format exifr does not read: not an error for indexing.
  }
  return undefined;
}

/** The file's meta with lastModified replaced by when the photo was taken, when EXIF says so (the row's takenAt). */
export async function withTakenAt<M extends { lastModified: number }>(file: Blob, meta: M): Promise<M> {
  return { ...meta, lastModified: (await exifTakenAt(file)) ?? meta.lastModified };
}
