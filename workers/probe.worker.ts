// Probe worker: the smallest real use of the worker pattern (typed call, transferred buffer,
// cancellation, named errors). The settings page's self-check runs it.
import * as Comlink from 'comlink';
import { AbortError, GlimpseError } from '../src/core/errors';
import { cancel, runCancellable } from './lib/cancellable';

export interface DigestResult {
  byteLength: number;
  /** SHA-256 of the bytes, hex. */
  sha256: string;
  /** The bytes reversed, handed back by transfer. */
  reversed: ArrayBuffer;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new AbortError());
    }, { once: true });
  });
}

const api = {
  cancel,
  async digest(callId: number, buffer: ArrayBuffer, opts: { delayMs?: number; failWith?: string } = {}): Promise<DigestResult> {
    return runCancellable(callId, async (signal) => {
      if (opts.delayMs) await sleep(opts.delayMs, signal);
      if (opts.failWith) throw new GlimpseError(opts.failWith, `Probe asked to fail with ${opts.failWith}.`);
      const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
      const sha256 = Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
      const reversed = new Uint8Array(buffer).reverse().buffer;
      return Comlink.transfer({ byteLength: buffer.byteLength, sha256, reversed }, [reversed]);
    });
  },
};

export type ProbeApi = typeof api;
Comlink.expose(api);
