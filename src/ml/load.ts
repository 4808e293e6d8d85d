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
  /** The hub is allowed but the person has not agreed to this download yet (the page asks first). */
  awaitingConsent?: boolean;
  onProgress?: (p: FileProgress) => void;
  signal?: AbortSignal;
  /** Free each model file's bytes once its session exists, not at the next garbage collection (low-memory mode). */
  releaseModelBytes?: boolean;
  /** Passed to every onnxruntime session of the pipeline. */
  sessionOptions?: Record<string, unknown>;
}

function unavailableMessage(entry: ModelEntry, allowHub: boolean, cause: string, awaitingConsent: boolean): string {
  if (awaitingConsent) {
    return `Model ${entry.id} is not on this device yet: Glimpse downloads it from the Hugging Face hub once you agree ("Download models"); or put its files in the app's models/${entry.id}/ folder.`;
  }
  const ways = [
    `put its files in the app's models/${entry.id}/ folder`,
    allowHub ? 'check the network (the Hugging Face hub could not be reached)' : 'allow the Hugging Face hub in Settings',
    `or use Settings → "Load models from a folder" with a folder holding ${entry.id}/`,
  ];
  return `Model ${entry.id} could not be loaded (${cause}). To provide it: ${ways.join('; ')}.`;
}

export class ModelUnavailableError extends GlimpseError {
  constructor(entry: ModelEntry, allowHub: boolean, cause: string, awaitingConsent = false) {
    super('ModelUnavailableError', unavailableMessage(entry, allowHub, cause, awaitingConsent));
  }
}

function progressOf(entry: ModelEntry, info: ProgressInfo): FileProgress | undefined {
  if (info.status === 'progress') return { model: entry.id, file: info.file, loaded: info.loaded, total: info.total, done: false };
  if (info.status === 'done') return { model: entry.id, file: info.file, loaded: 0, total: 0, done: true };
  return undefined;
}

const MISSING = /could not locate|404|not found|failed to fetch|networkerror|load failed|ENOENT|unauthorized|local_files_only/i;
/** A download that started and broke off (the connection dropped, or fewer bytes than promised). */
const CUT = /network error|DownloadCutError|stopped after \d+ of|ERR_CONTENT_LENGTH_MISMATCH|incomplete/i;

/** A model download broke off: nothing of it was kept, and it starts again on the next load. */
export class ModelDownloadError extends GlimpseError {
  constructor(entry: ModelEntry, cause: string) {
    super(
      'ModelDownloadError',
      `The download of model ${entry.id} was cut off (${cause}). Nothing half-downloaded was kept: the download starts again with Resume, or on your next visit.`,
    );
  }
}

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
    if (e instanceof GlimpseError && e.name !== 'DownloadCutError') throw e;
    if (CUT.test(message) || (e instanceof Error && e.name === 'DownloadCutError')) throw new ModelDownloadError(entry, message.slice(0, 200));
    if (e instanceof ModelFileNotFoundError || MISSING.test(message)) throw new ModelUnavailableError(entry, opts.allowHub, message.slice(0, 200), opts.awaitingConsent);
    throw new GlimpseError('ModelLoadError', `Model ${entry.id} failed to start: ${message.slice(0, 300)}`);
  }
}
