// Runs the built app's intake worker from a page (through the `?testHooks` bridge hook) on one
// file sent from Node as base64, and brings back a plain summary of the outcome.
import type { Page } from 'playwright-core';
import type { BadFile } from '../../fixtures/bad-files';

export type InspectSummary =
  | {
      ok: true;
      ms: number;
      sha256: string;
      kind: string;
      width: number;
      height: number;
      orientation: number;
      animated: boolean;
      frameCount?: number;
      thumbType: string;
      thumbBytes: number;
      /** The thumbnail decoded again: proves it is a real image. */
      thumbWidth: number;
      thumbHeight: number;
      pixels?: { width: number; height: number; meanRgb: [number, number, number]; minAlpha: number };
    }
  | { ok: false; ms: number; name: string; code?: string; message: string };

interface Hooks {
  inspectImage(file: File, opts: { signal?: AbortSignal; modelSize?: number; thumbSize?: number }): Promise<{
    sha256: string; kind: string; width: number; height: number; orientation: number; animated: boolean; frameCount?: number;
    thumbnail: Blob; pixels?: { data: Uint8ClampedArray; width: number; height: number };
  }>;
}

export interface InspectArgs {
  timeoutMs: number;
  modelSize?: number;
  /** Abort right away (cancellation test). */
  preAborted?: boolean;
}

export function inspectInPage(page: Page, file: Pick<BadFile, 'name' | 'bytes' | 'mime'>, args: InspectArgs): Promise<InspectSummary> {
  const b64 = Buffer.from(file.bytes).toString('base64');
  return page.evaluate(async ({ b64, name, mime, args }): Promise<InspectSummary> => {
    const hooks = (window as unknown as { __glimpse: Hooks }).__glimpse;
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const file = new File([bytes], name, { type: mime });
    const started = performance.now();
    const signal = args.preAborted ? AbortSignal.abort() : AbortSignal.timeout(args.timeoutMs);
    try {
      const r = await hooks.inspectImage(file, { signal, modelSize: args.modelSize });
      const thumb = await createImageBitmap(r.thumbnail);
      const summary: InspectSummary = {
        ok: true, ms: performance.now() - started, sha256: r.sha256, kind: r.kind, width: r.width, height: r.height,
        orientation: r.orientation, animated: r.animated, frameCount: r.frameCount,
        thumbType: r.thumbnail.type, thumbBytes: r.thumbnail.size, thumbWidth: thumb.width, thumbHeight: thumb.height,
      };
      thumb.close();
      if (r.pixels) {
        const { data, width, height } = r.pixels;
        const sum = [0, 0, 0];
        let minAlpha = 255;
        for (let i = 0; i < data.length; i += 4) {
          for (let c = 0; c < 3; c++) sum[c] = (sum[c] ?? 0) + (data[i + c] ?? 0);
          minAlpha = Math.min(minAlpha, data[i + 3] ?? 0);
        }
        const n = data.length / 4;
        const meanRgb = sum.map((s) => Math.round(s / n)) as [number, number, number];
        summary.pixels = { width, height, meanRgb, minAlpha };
      }
      return summary;
    } catch (e) {
      const err = e as { name?: string; code?: string; message?: string };
      return { ok: false, ms: performance.now() - started, name: String(err.name), code: err.code, message: String(err.message) };
    }
  }, { b64, name: file.name, mime: file.mime, args });
}
