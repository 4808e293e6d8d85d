// The worker round trip, checked end to end from the UI: a typed call, a transferred buffer,
// cancellation by AbortSignal, and an error told apart by its name.
import type { DigestOptions, DigestResult } from '../bridge/bridge';

export interface CheckRow {
  id: 'transfer' | 'cancel' | 'error';
  label: string;
  ok: boolean;
  detail: string;
}

type Digest = (buffer: ArrayBuffer, opts?: DigestOptions) => Promise<DigestResult>;

const errorName = (e: unknown): string => (e instanceof Error ? e.name : String(e));

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function checkTransfer(digest: Digest): Promise<CheckRow> {
  const bytes = new Uint8Array(1 << 20).map((_, i) => i * 31);
  const expected = await sha256Hex(bytes);
  const result = await digest(bytes.buffer);
  const ok = bytes.buffer.byteLength === 0 && result.sha256 === expected && result.reversed.byteLength === 1 << 20;
  const detail = `sent 1 MiB, left behind ${bytes.buffer.byteLength} bytes, got back ${result.reversed.byteLength} bytes, hash ${result.sha256 === expected ? 'matches' : 'differs'}`;
  return { id: 'transfer', label: 'Transfer', ok, detail };
}

async function checkCancel(digest: Digest): Promise<CheckRow> {
  const controller = new AbortController();
  const started = performance.now();
  setTimeout(() => controller.abort(), 50);
  try {
    await digest(new ArrayBuffer(16), { delayMs: 10_000, signal: controller.signal });
    return { id: 'cancel', label: 'Cancel', ok: false, detail: 'the call finished instead of being cancelled' };
  } catch (e) {
    const ms = Math.round(performance.now() - started);
    return { id: 'cancel', label: 'Cancel', ok: errorName(e) === 'AbortError' && ms < 2000, detail: `${errorName(e)} after ${ms} ms` };
  }
}

async function checkError(digest: Digest): Promise<CheckRow> {
  try {
    await digest(new ArrayBuffer(16), { failWith: 'ProbeFailureError' });
    return { id: 'error', label: 'Error', ok: false, detail: 'no error reached the page' };
  } catch (e) {
    return { id: 'error', label: 'Error', ok: errorName(e) === 'ProbeFailureError', detail: `received ${errorName(e)}` };
  }
}

export async function* runSelfCheck(digest: Digest): AsyncGenerator<CheckRow> {
  for (const check of [checkTransfer, checkCancel, checkError]) {
    try {
      yield await check(digest);
    } catch (e) {
      yield { id: 'transfer', label: check.name, ok: false, detail: `${errorName(e)}: ${e instanceof Error ? e.message : ''}` };
    }
  }
}
