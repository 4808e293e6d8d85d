// What a failed IndexedDB write means, by name (the UI tells errors apart by name only).
//
// Chromium reports a full disk three ways (measured with its profile on a small tmpfs, see
// docs/RELIABILITY.md): QuotaExceededError once the origin passes its quota (about 60 % of the
// volume's size); and when the disk itself fills first, UnknownError "Connection is closing because
// of: IO error: …FILE_ERROR_NO_SPACE" (it then closes every connection to the database), or
// DataError "Failed to write blobs (IOError)" for a value it keeps in a file of its own (a Blob,
// or any value past ~64 KB). All three become QuotaExceededError here.
//
// The requests of an aborted transaction reject with AbortError, whatever the cause: the cause is
// the transaction's own `error`. A write aborted with no cause is a StorageError, never an
// AbortError, which callers take for a cancel the person asked for.
import { GlimpseError } from '../core/errors';

const DISK_FULL = /FILE_ERROR_NO_SPACE|no space left|disk is full|Failed to write blobs/i;

/** The error a caller should see for a write that failed with `e` (`txError`: the transaction's own). */
export function writeFailure(e: unknown, txError?: DOMException | null): unknown {
  const cause = txError ?? e;
  const name = (cause as { name?: unknown } | null)?.name;
  const message = String((cause as { message?: unknown } | null)?.message ?? '');
  if (name === 'QuotaExceededError') return cause;
  if ((name === 'UnknownError' || name === 'DataError') && DISK_FULL.test(message)) return new DOMException(`The device storage is full (${message}).`, 'QuotaExceededError');
  if (name === 'AbortError') return new GlimpseError('StorageError', `The browser stopped a write to the library${message && message !== 'AbortError' ? ` (${message})` : ''}.`);
  return cause;
}

/** Awaits a write transaction's requests and its end; a failure is thrown as writeFailure() says. */
export async function settleWrite(tx: { readonly error: DOMException | null; readonly done: Promise<void> }, pending: readonly Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled([...pending, tx.done]);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw writeFailure(failed.reason, tx.error);
}
