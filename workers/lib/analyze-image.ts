// One image, computed end to end before anything is written: decode, caption, triplets, embed.
// The caller writes the result in one short transaction (never awaiting model work inside it).
import { throwIfAborted } from '../../src/core/errors';
import { buildRecord, type AnalyticsRecord } from '../../src/core/text/record';
import { recordText } from '../../src/core/text/record-text';
import { decodeImage, type DecodedImage, type DecodeOptions } from './decode-image';
import type { Loaded } from './model-host';

export interface FileMeta {
  name: string;
  path: string;
  type: string;
  lastModified: number;
  /** The original's handle when the browser gave one: stored with the image for "open the original". */
  handle?: FileSystemFileHandle;
}

export interface PreparedImage {
  sha256: string;
  meta: FileMeta;
  size: number;
  width: number;
  height: number;
  thumb: Blob;
  record: AnalyticsRecord;
  textVector: Float32Array;
  visualVector: Float32Array;
  /** Perceptual hashes (decode-image.ts); a decoder that makes none (the Node bench) leaves it out. */
  phash?: string;
}

/** Bytes to pixels: decodeImage in a worker; the Node bench passes one built on sharp (no OffscreenCanvas there). */
export type Decoder = (bytes: ArrayBuffer, name: string, type: string, opts: DecodeOptions) => Promise<Pick<DecodedImage, 'sha256' | 'width' | 'height' | 'thumbnail' | 'pixels'> & { phash?: string }>;

export type StageMs = Record<'decode' | 'caption' | 'triplets' | 'embed', number>;

export interface AnalyzeOptions {
  captionCount: number;
  maxNewTokens: number;
  thumbSize: number;
  signal?: AbortSignal;
  /** Called after decoding, with the hash: lets the caller skip exact duplicates before the models run. */
  isKnown?: (sha256: string) => Promise<boolean>;
  decode?: Decoder;
}

export async function analyzeImage(file: Blob, meta: FileMeta, models: Loaded, opts: AnalyzeOptions): Promise<{ prepared?: PreparedImage; duplicate?: string; stageMs: StageMs }> {
  const stageMs: StageMs = { decode: 0, caption: 0, triplets: 0, embed: 0 };
  let t = performance.now();
  const lap = (stage: keyof StageMs): void => {
    const now = performance.now();
    stageMs[stage] += now - t;
    t = now;
  };
  const bytes = await file.arrayBuffer();
  const decoded = await (opts.decode ?? decodeImage)(bytes, meta.name, meta.type, { thumbSize: opts.thumbSize, modelSize: 512, signal: opts.signal });
  lap('decode');
  if (await opts.isKnown?.(decoded.sha256)) return { duplicate: decoded.sha256, stageMs };
  throwIfAborted(opts.signal);
  if (!decoded.pixels) throw new Error('decodeImage returned no pixels for the model');
  const { captions, visual } = await models.captioner.caption(decoded.pixels, {
    count: opts.captionCount,
    maxNewTokens: opts.maxNewTokens,
    signal: opts.signal,
  });
  lap('caption');
  const record = { ...buildRecord(captions, { captioner: models.captioner.modelId, embedder: models.embedder.modelId }), captionsAsked: opts.captionCount };
  lap('triplets');
  const textVector = await models.embedder.embed([recordText(record)], opts.signal);
  lap('embed');
  const prepared: PreparedImage = {
    sha256: decoded.sha256,
    meta,
    size: file.size,
    width: decoded.width,
    height: decoded.height,
    thumb: decoded.thumbnail,
    record,
    textVector,
    visualVector: visual,
  };
  if (decoded.phash) prepared.phash = decoded.phash;
  return { prepared, stageMs };
}
