// Indexing one file: the models, text reading's options, the analysis (alone, or for a queued
// photo in a caption batch with the next queued ones: lib/queue-batch.ts), then one commit.
import { GlimpseError, isNamedError } from '../../src/core/errors';
import { analyzeImage, type FileMeta, type OcrOptions, type StageMs } from './analyze-image';
import { analyzeBatch } from './analyze-batch';
import { withTakenAt } from './exif';
import type { Library } from './library';
import type { LoadConfig, ModelHost } from './model-host';
import { QueueLookahead } from './queue-batch';
import { OCR_SIZE, OCR_THUMB_SIZE } from './read-text';

export type AddOutcome =
  | { status: 'indexed'; id: number; stageMs: StageMs & { write: number } }
  | { status: 'duplicate'; stageMs: StageMs }
  | { status: 'rejected'; code: string; message: string };

export interface IndexOptions {
  captionCount: number;
  maxNewTokens: number;
  thumbSize: number;
  /** Read text in photos (OCR); off when absent. */
  ocr?: boolean;
  /** Sent with every call: a worker replaced after a cancel starts with no state. */
  models: LoadConfig;
}

export class FileIndexer {
  readonly lookahead = new QueueLookahead();
  /** Why text could not be read lately (shown in Settings); cleared when the reader loads. */
  ocrProblem: string | undefined;

  constructor(
    private readonly host: ModelHost,
    private readonly lib: () => Promise<Library>,
  ) {}

  /** Decode → captions → record → SBERT → one transaction. Rejections are data: comlink would drop the error's `code`. */
  async index(file: Blob, meta: FileMeta, opts: IndexOptions, signal: AbortSignal, queueId?: number): Promise<AddOutcome> {
    const library = await this.lib();
    try {
      const m = await this.host.load(opts.models, undefined, signal);
      const ocr = opts.ocr ? await this.ocrOptions(opts.models, signal) : undefined;
      const analyze = { ...opts, ocr, signal, isKnown: (sha: string) => library.isKnown(sha) };
      // The row's takenAt is the file's lastModified unless EXIF says when the photo was taken.
      const result =
        queueId === undefined
          ? await analyzeImage(file, await withTakenAt(file, meta), m, analyze)
          : await this.lookahead.analyze(library.db, queueId, { file, meta }, JSON.stringify(opts), signal, async (items, s) =>
              analyzeBatch(await Promise.all(items.map(async (i) => ({ file: i.file, meta: await withTakenAt(i.file, i.meta) }))), m, { ...analyze, signal: s }),
            );
      if (!result.prepared) return { status: 'duplicate', stageMs: result.stageMs };
      const t = performance.now();
      // Indexed from the queue: the commit takes the file off the queue in the same transaction.
      const id = await library.commit(result.prepared, queueId).catch((e: unknown) => {
        // Another tab indexed the same file while this one analysed it.
        if (isNamedError(e, 'DuplicateImageError')) return undefined;
        throw e;
      });
      if (id === undefined) return { status: 'duplicate', stageMs: result.stageMs };
      return { status: 'indexed', id, stageMs: { ...result.stageMs, write: performance.now() - t } };
    } catch (e) {
      if (e instanceof GlimpseError && e.name === 'ImageRejectedError') {
        return { status: 'rejected', code: (e as GlimpseError & { code: string }).code, message: e.message };
      }
      throw e;
    }
  }

  /** The reader for this analysis; undefined (no text read now, the background pass tries again) when its files cannot be had. */
  private async ocrOptions(models: LoadConfig, signal: AbortSignal): Promise<OcrOptions | undefined> {
    try {
      const reader = await this.host.reader(models, signal);
      this.ocrProblem = undefined;
      return { reader, size: OCR_SIZE, thumbSize: OCR_THUMB_SIZE };
    } catch (e) {
      if (isNamedError(e, 'AbortError')) throw e;
      this.ocrProblem = e instanceof Error ? e.message : String(e);
      return undefined;
    }
  }
}
