// What is stored per image. Plain data: structured-clone friendly, no classes.
import type { AnalyticsRecord } from '../core/text/record';

export interface ImageRow {
  id: number;
  sha256: string;
  name: string;
  /** Relative path inside a picked folder, or the file name. */
  path: string;
  size: number;
  type: string;
  width: number;
  height: number;
  addedAt: number;
  /** From EXIF when present, else the file's lastModified. */
  takenAt?: number;
  record: AnalyticsRecord;
  /** Perceptual hashes (src/core/similar/phash.ts: the whole photo's, then its windows'), for
   *  near-duplicates. Absent in rows from before them until the background pass adds them. */
  phash?: string;
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
