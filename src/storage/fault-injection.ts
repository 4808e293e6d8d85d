// Test-only: a simulated storage quota. The storage-full test needs IndexedDB writes to fail with
// QuotaExceededError, and this Chromium's DevTools override (Storage.overrideQuotaForOrigin) is
// not enforced by IndexedDB on the default bucket (measured: 1 MB puts commit under a 1,000-byte
// override). So the writes that index and queue photos charge their bytes here; when a test has
// set a budget and it runs out, the write's transaction is aborted and QuotaExceededError thrown,
// as IndexedDB does. With no budget set (always, outside tests) nothing is counted.
let remaining: number | undefined;

/** `bytes`: what later writes may still store; undefined lifts the limit. */
export function simulateQuota(bytes: number | undefined): void {
  remaining = bytes;
}

/** Charges a write of `bytes`; throws a QuotaExceededError DOMException when over the budget. */
export function chargeWrite(bytes: number): void {
  if (remaining === undefined) return;
  if (bytes > remaining) throw new DOMException(`Storage quota exceeded (simulated: ${bytes} bytes to write, ${remaining} left).`, 'QuotaExceededError');
  remaining -= bytes;
}
