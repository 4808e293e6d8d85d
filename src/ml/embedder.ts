// Sentence embeddings (SBERT): mean-pooled, L2-normalised, returned as one row-major Float32Array.
import type { ModelEntry } from '../core/models/manifest';
import { AbortError } from '../core/errors';
import { installHoistHook, RELEASE_BYTES_OPTION } from './hoisted-session';
import { loadPipeline, type LoadOptions } from './load';

export interface Embedder {
  readonly modelId: string;
  readonly dim: number;
  /** n texts → n×dim floats, row-major, each row unit length. */
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export async function createEmbedder(entry: ModelEntry & { task: 'feature-extraction' }, opts: LoadOptions): Promise<Embedder> {
  if (opts.releaseModelBytes && opts.backend !== 'cpu') {
    // The browser's onnxruntime-web (Node's onnxruntime-node loads from a path and needs nothing).
    installHoistHook((await import('onnxruntime-web/webgpu')).InferenceSession as never);
    opts = { ...opts, sessionOptions: { ...opts.sessionOptions, [RELEASE_BYTES_OPTION]: true } };
  }
  const pipe = await loadPipeline(entry, opts);
  // The loaded config is the truth (test models are smaller than the manifest's real ones).
  const dim = (pipe.model.config as { hidden_size?: number }).hidden_size ?? entry.dim;
  return {
    modelId: entry.id,
    dim,
    async embed(texts, signal) {
      if (signal?.aborted) throw new AbortError();
      if (texts.length === 0) return new Float32Array(0);
      const out = await pipe(texts, { pooling: 'mean', normalize: true });
      if (signal?.aborted) throw new AbortError();
      return Float32Array.from(out.data as Float32Array);
    },
    dispose: () => pipe.dispose(),
  };
}
