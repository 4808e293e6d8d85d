// The one module the UI uses to reach workers. Worker APIs are imported as types only,
// so no worker code (or model runtime) is bundled into the UI thread.
import * as Comlink from 'comlink';
import type { DigestResult, ProbeApi } from '../../workers/probe.worker';
import type { DecodedImage } from '../../workers/lib/decode-image';
import type { InspectOptions, InspectOutcome, IntakeApi } from '../../workers/intake.worker';
import { checkByteLength, ImageRejectedError } from '../core/image';
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

const intake = new WorkerHandle<IntakeApi>(
  () => new Worker(new URL('../../workers/intake.worker.ts', import.meta.url), { type: 'module', name: 'intake' }),
);

/**
 * Decodes `file` in the intake worker: thumbnail, hash, size, orientation (and model pixels if
 * `modelSize` is set). Rejects with name 'ImageRejectedError' (`code`, message naming the file)
 * when it cannot be indexed. Oversized files are refused before their bytes are read.
 */
export async function inspectImage(file: File, opts: InspectOptions & { signal?: AbortSignal } = {}): Promise<DecodedImage> {
  const { signal, ...rest } = opts;
  const tooBig = checkByteLength(file.size, file.name);
  if (tooBig) throw ImageRejectedError.from(tooBig);
  const bytes = await file.arrayBuffer();
  const outcome = await intake.call<InspectOutcome>(signal, (remote, callId) => remote.inspect(callId, Comlink.transfer(bytes, [bytes]), file.name, file.type, rest));
  if (!outcome.ok) throw ImageRejectedError.from(outcome.rejection);
  return outcome.image;
}

export * from './analysis-client';
export * from './archive-client';
export * from './browse-client';
export * from './keyword-only-client';
export * from './queue-client';
export * from './refresh-client';
export * from './tabs';
export { captionPlan, ocrEnabled, saveCaptionPlan, saveModelConfig, saveOcrEnabled, type CaptionPlan } from './settings';
export * from './map-client';
export * from './similar-settings';
