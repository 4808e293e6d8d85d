// The one place that imports zip.js (@zip.js/zip.js: streaming read and write, Zip64, random
// access through the central directory, readers for Blobs and HTTP Range requests). Its core
// build without web workers or WebAssembly: this code already runs in a worker, and deflate (only
// the JSON entries use it) comes from the platform's CompressionStream.
import { configure } from '@zip.js/zip.js/lib/zip-core-custom.js';

configure({ useWebWorkers: false, useCompressionStream: true });

export {
  BlobReader,
  HttpRangeReader,
  Uint8ArrayReader,
  Uint8ArrayWriter,
  ZipReader,
  ZipWriter,
  ERR_EOCDR_NOT_FOUND,
  ERR_INVALID_CRC32,
  ERR_INVALID_UNCOMPRESSED_SIZE,
  ERR_ABORTED,
  type Entry,
  type FileEntry,
  type Reader,
} from '@zip.js/zip.js/lib/zip-core-custom.js';
