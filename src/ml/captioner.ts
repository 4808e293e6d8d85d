// Captions plus a visual vector from one encoder pass. transformers.js (v4) generate() has no beam
// search, so diversity comes from one greedy caption plus sampled ones decoded as a single batch,
// all reusing the same encoder output (the expensive ViT pass runs once per image).
import { LogitsProcessor, RawImage, Tensor } from '@huggingface/transformers';
import type { ModelEntry } from '../core/models/manifest';
import { AbortError } from '../core/errors';
import { HOIST_OPTION, installHoistHook, RELEASE_BYTES_OPTION } from './hoisted-session';
import { loadPipeline, type LoadOptions } from './load';
import { batchRow, meanPoolRows, repeatRows, trimAtEos } from './tensor-utils';

export interface Rgba {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface CaptionOptions {
  /** How many captions: 1 greedy + (count-1) sampled. */
  count: number;
  maxNewTokens: number;
  signal?: AbortSignal;
}

export interface Captioner {
  readonly modelId: string;
  readonly dim: number;
  caption(image: Rgba, opts: CaptionOptions): Promise<{ captions: string[]; visual: Float32Array }>;
  /** Several images at once: one encoder run and one greedy and one sampled decode for all (fewer,
   *  larger session runs; on WASM the per-run overhead is shared). Greedy captions equal caption()'s. */
  captionBatch(images: Rgba[], opts: CaptionOptions): Promise<{ captions: string[]; visual: Float32Array }[]>;
  /** The visual vector alone (query by image). */
  encode(image: Rgba, signal?: AbortSignal): Promise<Float32Array>;
  /** The greedy caption's token ids, each step's logits and the visual vector (comparing backends: test/browser/webgpu.test.ts). */
  greedyTokens(image: Rgba, maxNewTokens: number): Promise<GreedyTrace>;
  dispose(): Promise<void>;
}

export interface GreedyTrace {
  tokens: number[];
  /** steps × vocab, row-major: the scores each token was picked from. */
  logits: Float32Array;
  vocab: number;
  visual: Float32Array;
}

/** Keeps a copy of every step's scores (batch row 0) and passes them on unchanged. */
class LogitsRecorder extends LogitsProcessor {
  readonly steps: Float32Array[] = [];
  override _call(inputIds: bigint[][], logits: Tensor): Tensor {
    const [, vocab = 0] = logits.dims;
    this.steps.push(Float32Array.from((logits.data as Float32Array).subarray(0, vocab)));
    return logits;
  }
}

interface Session {
  run(feeds: Record<string, unknown>, ...rest: unknown[]): Promise<Record<string, unknown>>;
}

/** Diagnostics (benchmarks): called after each ONNX session run with its wall time. */
export interface CaptionerDiagnostics {
  onRun?: (part: 'encoder' | 'decoder', ms: number) => void;
  /** false: the stock merged decoder, one session (to compare). */
  hoist?: boolean;
}

function timed(session: Session, part: 'encoder' | 'decoder', onRun: NonNullable<CaptionerDiagnostics['onRun']>): void {
  const run = session.run.bind(session);
  session.run = async (...args) => {
    const t = performance.now();
    const out = await run(...args);
    onRun(part, performance.now() - t);
    return out;
  };
}

/**
 * In the browser (WASM), the merged decoder runs as two sessions so the cross-attention keys and
 * values are computed once per image, not once per token (src/ml/hoisted-session.ts).
 */
async function hoistOptions(opts: LoadOptions, diag: CaptionerDiagnostics): Promise<LoadOptions> {
  const hoist = opts.backend === 'wasm' && diag.hoist !== false;
  const free = opts.releaseModelBytes === true && opts.backend !== 'cpu';
  if (!hoist && !free) return opts;
  const ort = await import('onnxruntime-web/webgpu');
  installHoistHook(ort.InferenceSession as never);
  return { ...opts, sessionOptions: { ...opts.sessionOptions, ...(hoist ? { [HOIST_OPTION]: true } : {}), ...(free ? { [RELEASE_BYTES_OPTION]: true } : {}) } };
}

export async function createCaptioner(entry: ModelEntry & { task: 'image-to-text' }, opts: LoadOptions, diag: CaptionerDiagnostics = {}): Promise<Captioner> {
  const pipe = await loadPipeline(entry, await hoistOptions(opts, diag));
  const sessions = (pipe.model as unknown as { sessions: Record<string, Session> }).sessions;
  const encoderSession = sessions['model'];
  if (!encoderSession) throw new Error(`${entry.id}: no encoder session`);
  if (diag.onRun) {
    timed(encoderSession, 'encoder', diag.onRun);
    if (sessions['decoder_model_merged']) timed(sessions['decoder_model_merged'], 'decoder', diag.onRun);
  }
  // generate() only keeps kwargs named in forward_params; let our precomputed encoder output through.
  const params = (pipe.model as unknown as { forward_params: string[] }).forward_params;
  if (!params.includes('encoder_outputs')) params.push('encoder_outputs');
  const eos = Number((pipe.model.config as { eos_token_id?: number }).eos_token_id ?? -1);

  /** [images, tokens, dim]: the encoder's output for a batch of images. */
  async function runEncoder(images: Rgba[]): Promise<Tensor> {
    const raws = images.map((image) => new RawImage(image.data, image.width, image.height, 4));
    const { pixel_values } = (await pipe.processor(raws.length === 1 ? raws[0] : raws)) as { pixel_values: Tensor };
    const out = await encoderSession!.run({ pixel_values: pixel_values.ort_tensor });
    return new Tensor(out['last_hidden_state'] as never);
  }

  /** One decode of `encoded`'s rows (each row one caption). */
  async function generateIds(encoded: Tensor, sample: boolean, maxNewTokens: number, recorder?: LogitsRecorder): Promise<number[][]> {
    // generate() reads the batch size from its `inputs`; the encoder output is what the decoder uses.
    const batch = encoded.dims[0] ?? 1;
    const inputs = new Tensor('float32', new Float32Array(batch), [batch, 1, 1, 1]);
    const ids = (await pipe.model.generate({
      inputs,
      encoder_outputs: encoded,
      max_new_tokens: maxNewTokens,
      ...(sample ? { do_sample: true, top_k: 40, temperature: 0.9 } : {}),
      ...(recorder ? { logits_processor: [recorder] } : {}),
    } as never)) as Tensor;
    return trimAtEos(ids.tolist() as bigint[][], eos);
  }

  async function generate(encoded: Tensor, sample: boolean, maxNewTokens: number): Promise<string[]> {
    const rows = await generateIds(encoded, sample, maxNewTokens);
    return pipe.tokenizer.batch_decode(rows, { skip_special_tokens: true }).map((t: string) => t.trim());
  }

  async function captionBatch(images: Rgba[], { count, maxNewTokens, signal }: CaptionOptions): Promise<{ captions: string[]; visual: Float32Array }[]> {
    if (images.length === 0) return [];
    const hidden = await runEncoder(images);
    if (signal?.aborted) throw new AbortError();
    // Row i: image i's greedy caption; then (count-1) sampled rows per image, image by image.
    const greedy = await generate(hidden, false, maxNewTokens);
    if (count > 1 && signal?.aborted) throw new AbortError();
    const more = count > 1 ? await generate(repeatRows(hidden, count - 1), true, maxNewTokens) : [];
    return images.map((_, i) => ({
      captions: [greedy[i]!, ...more.slice(i * (count - 1), (i + 1) * (count - 1))],
      visual: meanPoolRows(batchRow(hidden, i)),
    }));
  }

  const dim = (pipe.model.config as { encoder?: { hidden_size?: number } }).encoder?.hidden_size ?? entry.dim;
  return {
    modelId: entry.id,
    dim,
    async caption(image, opts) {
      const [one] = await captionBatch([image], opts);
      return one!;
    },
    captionBatch,
    async encode(image, signal) {
      const hidden = await runEncoder([image]);
      if (signal?.aborted) throw new AbortError();
      return meanPoolRows(hidden);
    },
    async greedyTokens(image, maxNewTokens) {
      const hidden = await runEncoder([image]);
      const recorder = new LogitsRecorder();
      const [tokens = []] = await generateIds(hidden, false, maxNewTokens, recorder);
      const vocab = recorder.steps[0]?.length ?? 0;
      const logits = new Float32Array(recorder.steps.length * vocab);
      recorder.steps.forEach((row, i) => logits.set(row, i * vocab));
      return { tokens, logits, vocab, visual: meanPoolRows(hidden) };
    },
    dispose: () => pipe.dispose(),
  };
}
