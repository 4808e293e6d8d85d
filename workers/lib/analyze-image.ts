// One image, computed end to end before anything is written: decode, caption, triplets, embed.
// The caller writes the result in one short transaction (never awaiting model work inside it).
import { throwIfAborted } from '../../src/core/errors';
import { buildRecord, type AnalyticsRecord, type OcrText } from '../../src/core/text/record';
import { recordText } from '../../src/core/text/record-text';
import type { TextReader } from '../../src/ml/ocr';
import { decodeImage, type DecodedImage, type DecodeOptions } from './decode-image';
import type { Loaded } from './model-host';
import { readText } from './read-text';

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
export type Decoder = (bytes: ArrayBuffer, name: string, type: string, opts: DecodeOptions) => Promise<Pick<DecodedImage, 'sha256' | 'width' | 'height' | 'thumbnail' | 'pixels' | 'source'> & { phash?: string }>;

/** ms per stage; `textDetect` is the first OCR pass (every photo), `ocr` recognition (photos with text only). */
export type StageMs = Record<'decode' | 'caption' | 'textDetect' | 'ocr' | 'triplets' | 'embed', number>;

/** Text recognition settings for one analysis; absent when OCR is off. */
export interface OcrOptions {
  reader: TextReader;
  /** Longest side of the copy recognition reads. */
  size: number;
  /** Longest side of the thumbnail kept for photos with text (the stored 256 px are too small to read again). */
  thumbSize: number;
}

export interface AnalyzeOptions {
  captionCount: number;
  maxNewTokens: number;
  thumbSize: number;
  signal?: AbortSignal;
  /** Called after decoding, with the hash: lets the caller skip exact duplicates before the models run. */
  isKnown?: (sha256: string) => Promise<boolean>;
  decode?: Decoder;
  ocr?: OcrOptions;
  /** Text already read (a re-analysis from the small thumbnail keeps what the original gave). */
  knownText?: OcrText;
}

/** A stopwatch that adds each lap to its stage. */
export function stopwatch(): { stageMs: StageMs; lap: (stage: keyof StageMs) => void; restart: () => void } {
  const stageMs: StageMs = { decode: 0, caption: 0, textDetect: 0, ocr: 0, triplets: 0, embed: 0 };
  let t = performance.now();
  return {
    stageMs,
    lap: (stage) => {
      const now = performance.now();
      stageMs[stage] += now - t;
      t = now;
    },
    restart: () => void (t = performance.now()),
  };
}

export async function analyzeImage(file: Blob, meta: FileMeta, models: Loaded, opts: AnalyzeOptions): Promise<{ prepared?: PreparedImage; duplicate?: string; stageMs: StageMs }> {
  const { stageMs, lap } = stopwatch();
  const bytes = await file.arrayBuffer();
  const decoded = await (opts.decode ?? decodeImage)(bytes, meta.name, meta.type, { thumbSize: opts.thumbSize, modelSize: 512, signal: opts.signal, keepSource: !!opts.ocr && !opts.knownText });
  try {
    lap('decode');
    if (await opts.isKnown?.(decoded.sha256)) return { duplicate: decoded.sha256, stageMs };
    throwIfAborted(opts.signal);
    return { prepared: await describe(file, meta, decoded, models, opts, lap), stageMs };
  } finally {
    decoded.source?.close();
  }
}

async function describe(
  file: Blob,
  meta: FileMeta,
  decoded: Awaited<ReturnType<Decoder>>,
  models: Loaded,
  opts: AnalyzeOptions,
  lap: (stage: keyof StageMs) => void,
): Promise<PreparedImage> {
  if (!decoded.pixels) throw new Error('decodeImage returned no pixels for the model');
  const described = await models.captioner.caption(decoded.pixels, {
    count: opts.captionCount,
    maxNewTokens: opts.maxNewTokens,
    signal: opts.signal,
  });
  lap('caption');
  return complete(file, meta, decoded, described, models, opts, lap);
}

/** After the captions: text in the photo (OCR), the record, its SBERT vector. */
export async function complete(
  file: Blob,
  meta: FileMeta,
  decoded: Awaited<ReturnType<Decoder>>,
  { captions, visual }: { captions: string[]; visual: Float32Array },
  models: Loaded,
  opts: AnalyzeOptions,
  lap: (stage: keyof StageMs) => void,
): Promise<PreparedImage> {
  let thumb = decoded.thumbnail;
  let ocr: AnalyticsRecord['ocr'] = opts.knownText;
  if (!ocr && opts.ocr && decoded.source && decoded.pixels) {
    const read = await readText(opts.ocr, decoded.pixels, decoded.source, opts.signal, lap);
    ocr = read.ocr;
    if (read.thumb) thumb = read.thumb;
  }
  const record: AnalyticsRecord = {
    ...buildRecord(captions, { captioner: models.captioner.modelId, embedder: models.embedder.modelId }),
    captionsAsked: opts.captionCount,
    ...(ocr ? { ocr } : {}),
  };
  lap('triplets');
  const textVector = await models.embedder.embed([recordText(record)], opts.signal);
  lap('embed');
  return {
    sha256: decoded.sha256,
    meta,
    size: file.size,
    width: decoded.width,
    height: decoded.height,
    thumb,
    record,
    textVector,
    visualVector: visual,
    ...(decoded.phash ? { phash: decoded.phash } : {}),
  };
}
