// The one module the UI uses to reach workers. Worker APIs are imported as types only,
// so no worker code (or model runtime) is bundled into the UI thread.
import * as Comlink from 'comlink';
import type { DigestResult, ProbeApi } from '../../workers/probe.worker';
import { WorkerHandle } from './worker-handle';

const probe = new WorkerHandle<ProbeApi>(
  () => new Worker(new URL('../../workers/probe.worker.ts', import.meta.url), { type: 'module', name: 'probe' }),
);

export interface DigestOptions {
  signal?: AbortSignal;
  delayMs?: number;
  failWith?: string;
}

/** Hashes `buffer` in the probe worker. The buffer is transferred: it is empty here afterwards. */
export function probeDigest(buffer: ArrayBuffer, opts: DigestOptions = {}): Promise<DigestResult> {
  const { signal, ...rest } = opts;
  return probe.call(signal, (remote, callId) => remote.digest(callId, Comlink.transfer(buffer, [buffer]), rest));
}

export function probeAlive(): boolean {
  return probe.alive;
}

export type { DigestResult };
