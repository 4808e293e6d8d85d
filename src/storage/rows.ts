// What is stored per image. Plain data: structured-clone friendly, no classes.
import type { PhotoFields } from '../core/photo/fields';

/** The per-photo fields (src/core/photo/fields.ts) under the library's id. */
export interface ImageRow extends PhotoFields {
  id: number;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

export interface VectorRow {
  text: Int8Array;
  textScale: number;
  visual: Int8Array;
  visualScale: number;
}

/** One file waiting in the indexing queue, as callers hand it in and get it back (`file`: its bytes
 *  as a Blob). Since schema v4 the store keeps the bytes themselves (StoredQueueRow). */
export interface QueueRow {
  id?: number;
  file: Blob;
  name: string;
  path: string;
  type: string;
  lastModified: number;
  size: number;
  queuedAt: number;
  /** The original's handle when the browser gave one (folder or file picker); absent in older rows. */
  handle?: FileSystemFileHandle;
}

/** A queue row as stored from schema v4 on: bytes, not a Blob (WebKit cannot keep a Blob in
 *  IndexedDB in every session kind). Rows queued before v4 hold `file` until convertBlobs rewrites them. */
export type StoredQueueRow = Omit<QueueRow, 'file'> & { bytes: ArrayBuffer };

/** A thumbnail as stored from schema v4 on (before: a Blob, until convertBlobs rewrites it). */
export interface ThumbRow {
  bytes: ArrayBuffer;
  type: string;
}
