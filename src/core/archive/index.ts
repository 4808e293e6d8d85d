// The library file format (pure: no zip, no DOM). See docs/LIBRARY-FORMAT.md.
export * from './format.ts';
export { LibraryFileError, type LibraryFileProblem } from './errors.ts';
export { checkDirectory, limitFor, unsafeNameReason, LIMITS, type EntryInfo } from './entries.ts';
export { parseManifest } from './manifest.ts';
export { hasMarkup, parsePhotos } from './photos.ts';
export { decodeVectorRows, encodeVectorRows, storedRow, unitScaleOf, vectorEntryBytes, type StoredRow, type VectorRows } from './vectors.ts';
export { checkThumb } from './thumbs.ts';
