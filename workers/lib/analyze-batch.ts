// Several photos analysed together: each decoded (and checked for a duplicate) in turn, then all
// captioned in one batch (Captioner.captionBatch: one encoder run and one decode per kind for all,
// which on WASM costs less per photo than one at a time), then each finished alone (OCR, record,
// SBERT). Each photo's outcome is its own: one that cannot be read is rejected alone.
import { throwIfAborted } from '../../src/core/errors';
import { analyzeImage, complete, stopwatch, type AnalyzeOptions, type Decoder, type FileMeta, type PreparedImage, type StageMs } from './analyze-image';
import { decodeImage } from './decode-image';
import type { Loaded } from './model-host';

export interface Analysis {
  prepared?: PreparedImage;
  duplicate?: string;
  stageMs: StageMs;
}

type Decoded = Awaited<ReturnType<Decoder>>;

export async function analyzeBatch(items: { file: Blob; meta: FileMeta }[], models: Loaded, opts: AnalyzeOptions): Promise<PromiseSettledResult<Analysis>[]> {
  if (items.length === 1) return Promise.allSettled([analyzeImage(items[0]!.file, items[0]!.meta, models, opts)]);
  const watches = items.map(() => stopwatch());
  const decoded: PromiseSettledResult<Decoded>[] = [];
  try {
    for (const [k, { file, meta }] of items.entries()) {
      throwIfAborted(opts.signal);
      const one = (async () => {
        const bytes = await file.arrayBuffer();
        return (opts.decode ?? decodeImage)(bytes, meta.name, meta.type, { thumbSize: opts.thumbSize, modelSize: 512, signal: opts.signal, keepSource: !!opts.ocr && !opts.knownText });
      })();
      decoded.push(await one.then((value) => ({ status: 'fulfilled' as const, value }), (reason: unknown) => ({ status: 'rejected' as const, reason })));
      watches[k]!.lap('decode');
    }
    // Duplicates (by SHA-256) are not captioned.
    const known = await Promise.all(decoded.map(async (d) => d.status === 'fulfilled' && !!(await opts.isKnown?.(d.value.sha256))));
    const todo = decoded.flatMap((d, k) => (d.status === 'fulfilled' && !known[k] && d.value.pixels ? [k] : []));
    throwIfAborted(opts.signal);
    const started = performance.now();
    const described = await models.captioner.captionBatch(
      todo.map((k) => (decoded[k] as PromiseFulfilledResult<Decoded>).value.pixels!),
      { count: opts.captionCount, maxNewTokens: opts.maxNewTokens, signal: opts.signal },
    );
    // The batch's caption time, shared out evenly.
    const share = todo.length ? (performance.now() - started) / todo.length : 0;
    const out: PromiseSettledResult<Analysis>[] = [];
    for (const [k, d] of decoded.entries()) {
      const { stageMs, lap, restart } = watches[k]!;
      if (d.status === 'rejected') {
        out.push(d);
        continue;
      }
      if (known[k]) {
        out.push({ status: 'fulfilled', value: { duplicate: d.value.sha256, stageMs } });
        continue;
      }
      const at = todo.indexOf(k);
      if (at < 0) {
        out.push({ status: 'rejected', reason: new Error('decodeImage returned no pixels for the model') });
        continue;
      }
      stageMs.caption = share;
      restart(); // what came before belonged to the other photos
      try {
        out.push({ status: 'fulfilled', value: { prepared: await complete(items[k]!.file, items[k]!.meta, d.value, described[at]!, models, opts, lap), stageMs } });
      } catch (e) {
        if (opts.signal?.aborted) throw e;
        out.push({ status: 'rejected', reason: e });
      }
    }
    return out;
  } finally {
    for (const d of decoded) if (d.status === 'fulfilled') d.value.source?.close();
  }
}
