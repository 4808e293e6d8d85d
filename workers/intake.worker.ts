// Intake worker: decodes one image per call (sniff, limits, decode, thumbnail, model pixels).
// A diagnostics and test vehicle for workers/lib/decode-image.ts, which the analysis worker composes.
import * as Comlink from 'comlink';
import { ImageRejectedError, type Rejection } from '../src/core/image';
import { cancel, runCancellable } from './lib/cancellable';
import { decodeImage, type DecodedImage } from './lib/decode-image';

/** Rejections travel as data: comlink would drop the error's `code`. The bridge rethrows them. */
export type InspectOutcome = { ok: true; image: DecodedImage } | { ok: false; rejection: Rejection };

export interface InspectOptions {
  thumbSize?: number;
  modelSize?: number;
}

const api = {
  cancel,
  async inspect(callId: number, bytes: ArrayBuffer, fileName: string, mime: string, opts: InspectOptions = {}): Promise<InspectOutcome> {
    return runCancellable(callId, async (signal) => {
      try {
        const image = await decodeImage(bytes, fileName, mime, { thumbSize: opts.thumbSize ?? 256, modelSize: opts.modelSize, signal });
        const outcome: InspectOutcome = { ok: true, image };
        return Comlink.transfer(outcome, image.pixels ? [image.pixels.data.buffer] : []);
      } catch (e) {
        if (e instanceof ImageRejectedError) return { ok: false, rejection: { code: e.code, message: e.message } };
        throw e;
      }
    });
  },
};

export type IntakeApi = typeof api;
Comlink.expose(api);
