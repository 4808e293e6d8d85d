// Creates transformers.js pipelines with download progress and one clear error when a model
// cannot be had.
import { ModelFileNotFoundError, pipeline, type ProgressInfo } from '@huggingface/transformers';
import type { ModelEntry } from '../core/models/manifest';
import { AbortError, GlimpseError } from '../core/errors';
import type { Backend } from './runtime';

export interface FileProgress {
  model: string;
  file: string;
  loaded: number;
  total: number;
  done: boolean;
}

export interface LoadOptions {
  backend: Backend;
  allowHub: boolean;
  onProgress?: (p: FileProgress) => void;
  signal?: AbortSignal;
  /** Passed to every onnxruntime session of the pipeline. */
  sessionOptions?: Record<string, unknown>;
}

export class ModelUnavailableError extends GlimpseError {
  constructor(entry: ModelEntry, allowHub: boolean, cause: string) {
    const ways = [
      `put its files in the app's models/${entry.id}/ folder`,
      allowHub ? 'check the network (the Hugging Face hub could not be reached)' : 'allow the Hugging Face hub in Settings',
      `or use Settings → "Load models from a folder" with a folder holding ${entry.id}/`,
    ];
    super('ModelUnavailableError', `Model ${entry.id} could not be loaded (${cause}). To provide it: ${ways.join('; ')}.`);
  }
}

function progressOf(entry: ModelEntry, info: ProgressInfo): FileProgress | undefined {
  if (info.status === 'progress') return { model: entry.id, file: info.file, loaded: info.loaded, total: info.total, done: false };
  if (info.status === 'done') return { model: entry.id, file: info.file, loaded: 0, total: 0, done: true };
  return undefined;
}

const MISSING = /could not locate|404|not found|failed to fetch|networkerror|load failed|ENOENT|unauthorized|local_files_only/i;

export async function loadPipeline<T extends Exclude<ModelEntry['task'], 'text-recognition'>>(entry: ModelEntry & { task: T }, opts: LoadOptions): ReturnType<typeof pipeline<T>> {
  if (opts.signal?.aborted) throw new AbortError();
  try {
    const pipe = await pipeline(entry.task as T, entry.id, {
      device: opts.backend,
      dtype: entry.dtype,
      revision: entry.revision,
      ...(opts.sessionOptions ? { session_options: opts.sessionOptions } : {}),
      progress_callback: (info: ProgressInfo) => {
        const p = progressOf(entry, info);
        if (p) opts.onProgress?.(p);
      },
    });
    if (opts.signal?.aborted) {
      await pipe.dispose();
      throw new AbortError();
    }
    return pipe;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof GlimpseError) throw e;
    if (e instanceof ModelFileNotFoundError || MISSING.test(message)) throw new ModelUnavailableError(entry, opts.allowHub, message.slice(0, 200));
    throw new GlimpseError('ModelLoadError', `Model ${entry.id} failed to start: ${message.slice(0, 300)}`);
  }
}
