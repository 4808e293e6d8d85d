// Loads the captioner and embedder once per worker, each when first needed, and hands them out;
// reloading only when the person picks other models or another backend.
import manifestJson from '../../models/manifest.json';
import { findModel, type Dtype, type Manifest, type ModelEntry } from '../../src/core/models/manifest';
import type { Captioner } from '../../src/ml/captioner';
import type { Embedder } from '../../src/ml/embedder';
import { AbortError } from '../../src/core/errors';
import type { FolderCache } from '../../src/ml/folder-cache';
import type { TextReader } from '../../src/ml/ocr';
import type { FileProgress, LoadOptions } from '../../src/ml/load';
import type { DownloadPlan } from '../../src/ml/model-cache';
import type { Backend, BackendPreference } from '../../src/ml/runtime';
import { markFirst } from './search-warmup';

let mlModules: Promise<typeof import('./ml-modules')> | undefined;
/**
 * transformers.js and onnxruntime-web, imported on first need (a chunk of their own): evaluating
 * them took 0.3–0.5 s of the worker's start, before it could even open the library. Now the first
 * search's IndexedDB reads are under way while they load.
 */
export function ml(): Promise<typeof import('./ml-modules')> {
  return (mlModules ??= import('./ml-modules').then((m) => {
    markFirst('ml-loaded');
    return m;
  }));
}

export const MANIFEST = manifestJson as Manifest;

export interface ModelConfig {
  captionerId: string;
  embedderId: string;
  allowHub: boolean;
  backend: BackendPreference;
  /** URL path of the app's own models/ folder. */
  localModelPath: string;
  ortBase?: string;
  /** URL of the OCR weights folder (our origin). */
  ocrBase?: string;
  /**
   * Low-memory mode (phones): the captioner loads first, into a WASM heap that holds nothing yet,
   * and is released once the indexing queue is empty (the page then recycles this worker, the
   * only way the heap goes back to the system; `npm run bench:memory`).
   */
  lowMemory?: boolean;
}

/** Model files from a folder the person picked (air-gapped use): relative path + file handle. */
export type ModelFolder = Array<{ path: string; file: Blob }>;

/**
 * What a load needs: the settings plus, for this visit only, a picked folder and whether the person
 * agreed to download from the hub (false: only cached and self-hosted files are used; undefined, as
 * in benchmarks and Node: the hub setting alone decides).
 */
export type LoadConfig = ModelConfig & {
  folder?: ModelFolder;
  hubConsent?: boolean;
  /** Tests: every model in this dtype instead of the manifest's (WebGPU against WASM in fp32). */
  dtype?: Dtype;
  /** Tests: onnxruntime logs everything, node placements included (which nodes run on which backend). */
  verboseSessions?: boolean;
};

export interface RuntimeInfo {
  backend: Backend;
  threads: number;
  /** Why WASM runs on one thread ('' when threads are possible). */
  singleThread: string;
  captioner: string;
  embedder: string;
}

export interface Loaded {
  captioner: Captioner;
  embedder: Embedder;
  info: RuntimeInfo;
}

const asTask = <T extends ModelEntry['task']>(e: ModelEntry, task: T): ModelEntry & { task: T } => {
  if (e.task !== task) throw new Error(`${e.id} is a ${e.task} model, not ${task}`);
  return e as ModelEntry & { task: T };
};

const VERBOSE = { logSeverityLevel: 0, logVerbosityLevel: 0 };

const entryOf = (config: LoadConfig, id: string): ModelEntry => {
  const entry = findModel(MANIFEST, id);
  return config.dtype ? { ...entry, dtype: config.dtype } : entry;
};

/** The hub is used when the setting allows it and the person agreed to the download (or was not asked: benches). */
function hubOptions(config: LoadConfig): { allowHub: boolean; awaitingConsent: boolean } {
  const awaitingConsent = config.allowHub && config.hubConsent === false;
  return { allowHub: config.allowHub && !awaitingConsent, awaitingConsent };
}

/** What the runtime depends on. File handles don't stringify: the folder counts by its paths. */
function runtimeKey(config: LoadConfig): string {
  const { localModelPath, backend, ortBase } = config;
  return JSON.stringify({ localModelPath, allowHub: hubOptions(config).allowHub, backend, ortBase, folder: config.folder?.map((f) => f.path) });
}

/** What a loaded model `id` depends on: the same key, the same sessions. */
export function modelKey(config: LoadConfig, id: string): string {
  return `${runtimeKey(config)}|${id}|${config.dtype ?? ''}|${config.verboseSessions === true}`;
}

interface SlotEntry<T> {
  key: string;
  model: Promise<T>;
  /** Stops the load itself: fired only when every caller waiting with a signal has given up. */
  stop: AbortController;
  /** Callers still waiting that can give up (they passed a signal). */
  waiting: number;
  /** A caller without a signal waits for good: the load then always runs to its end. */
  kept: boolean;
  settled: boolean;
  /** The model once loaded. */
  value?: T;
}

/**
 * One loaded model, shared by concurrent callers; replaced (and the old one disposed) when its key
 * changes. A caller's signal ends only its own wait: a search cancelled by the next keystroke must
 * not cancel the load that the next search (or indexing) waits for, or that one silently runs by
 * keywords only. The load stops when no caller is left waiting for it.
 */
class ModelSlot<T extends { dispose(): Promise<void> }> {
  private current: SlotEntry<T> | undefined;

  get(key: string, create: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    let entry = this.current?.key === key ? this.current : undefined;
    if (!entry) {
      this.drop();
      const stop = new AbortController();
      const fresh: SlotEntry<T> = { key, model: create(stop.signal), stop, waiting: 0, kept: false, settled: false };
      fresh.model.then(
        (m) => {
          fresh.settled = true;
          fresh.value = m;
        },
        () => {
          fresh.settled = true;
          if (this.current === fresh) this.current = undefined; // a failed load may succeed later (network back, files added)
        },
      );
      this.current = entry = fresh;
    }
    return this.wait(entry, signal);
  }

  /** The model under `key` if it is loaded already (starts nothing). */
  peek(key: string): T | undefined {
    return this.current?.key === key ? this.current.value : undefined;
  }

  private wait(entry: SlotEntry<T>, signal: AbortSignal | undefined): Promise<T> {
    if (!signal) {
      entry.kept = true;
      return entry.model;
    }
    entry.waiting++;
    return new Promise<T>((resolve, reject) => {
      const leave = (): void => {
        entry.waiting--;
        reject(signal.reason instanceof Error && signal.reason.name === 'AbortError' ? signal.reason : new AbortError());
        if (entry.waiting > 0 || entry.kept || entry.settled) return;
        // Nobody wants it any more: stop the load, and let the next caller start a new one at once.
        entry.stop.abort();
        if (this.current === entry) this.current = undefined;
        entry.model.then((m) => m.dispose(), () => {}).catch(() => {});
      };
      if (signal.aborted) return leave();
      signal.addEventListener('abort', leave, { once: true });
      entry.model.then(
        (m) => {
          signal.removeEventListener('abort', leave);
          resolve(m);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', leave);
          reject(e);
        },
      );
    });
  }

  drop(): void {
    const old = this.current;
    this.current = undefined;
    void old?.model.then((m) => m.dispose()).catch(() => {});
  }
}

/**
 * Loads each model once per worker, on first need: a text search needs only the embedder, so it
 * never waits for the captioner; indexing and image search load the captioner too.
 */
export class ModelHost {
  private runtime: { key: string; backend: Promise<Backend> } | undefined;
  private folder: FolderCache | undefined;
  private readonly embedderSlot = new ModelSlot<Embedder>();
  private readonly captionerSlot = new ModelSlot<Captioner>();
  private readonly readerSlot = new ModelSlot<TextReader>();

  /** `maxThreads` caps onnxruntime's WASM threads in this worker. */
  constructor(private readonly limits: { maxThreads?: number } = {}) {}

  /** Both models (once per config); concurrent callers share the same loads. */
  async load(config: LoadConfig, onProgress?: (p: FileProgress) => void, signal?: AbortSignal): Promise<Loaded> {
    // A WASM heap never shrinks: creating the big captioner's sessions while the heap is empty lets
    // the embedder fit in what that creation left free. Otherwise the embedder first (search needs only it).
    const first = config.lowMemory ? await this.captioner(config, onProgress, signal) : undefined;
    const embedder = await this.embedder(config, onProgress, signal);
    const captioner = first ?? (await this.captioner(config, onProgress, signal));
    const backend = await this.backend(config);
    const { wasmThreads, singleThreadReason } = await ml();
    return { captioner, embedder, info: { backend, threads: wasmThreads(), singleThread: singleThreadReason(), captioner: captioner.modelId, embedder: embedder.modelId } };
  }

  /** The sentence embedder alone (what a text search needs). */
  embedder(config: LoadConfig, onProgress?: (p: FileProgress) => void, signal?: AbortSignal): Promise<Embedder> {
    return this.hosted(this.embedderSlot, config, config.embedderId, async (opts) => (await ml()).createEmbedder(asTask(entryOf(config, config.embedderId), 'feature-extraction'), opts), onProgress, signal);
  }

  /** The embedder for `config` if this worker has it loaded already (starts no load). */
  loadedEmbedder(config: LoadConfig): Embedder | undefined {
    return this.embedderSlot.peek(modelKey(config, config.embedderId));
  }

  /** The captioner alone (indexing, query by image). */
  captioner(config: LoadConfig, onProgress?: (p: FileProgress) => void, signal?: AbortSignal): Promise<Captioner> {
    return this.hosted(this.captionerSlot, config, config.captionerId, async (opts) => (await ml()).createCaptioner(asTask(entryOf(config, config.captionerId), 'image-to-text'), opts), onProgress, signal);
  }

  /** One model in its slot, created with the options both models share; keyed by what changes its sessions. */
  private hosted<T extends { dispose(): Promise<void> }>(slot: ModelSlot<T>, config: LoadConfig, id: string, create: (opts: LoadOptions) => Promise<T>, onProgress: ((p: FileProgress) => void) | undefined, signal: AbortSignal | undefined): Promise<T> {
    const backend = this.backend(config);
    return slot.get(
      modelKey(config, id),
      async (stop) =>
        create({
          ...hubOptions(config),
          releaseModelBytes: config.lowMemory === true,
          ...(config.verboseSessions ? { sessionOptions: VERBOSE } : {}),
          backend: await backend,
          onProgress,
          signal: stop,
        }),
      signal,
    );
  }

  /** The text reader (OCR); its files come from our origin whatever the model settings say. */
  reader(config: LoadConfig, signal?: AbortSignal): Promise<TextReader> {
    const backend = this.backend(config);
    const base = config.ocrBase ?? `${config.localModelPath}gutenye/ppocr-v4/`;
    return this.readerSlot.get(
      `${this.runtime?.key}|${base}`,
      async (stop) => {
        await backend; // onnxruntime-web's file paths are set (our /ort/) before the first session
        return (await ml()).loadTextReader(base, stop);
      },
      signal,
    );
  }

  /** Disposes the captioner (its heap space is reused by later loads; the page recycles the worker to return it). */
  releaseCaptioner(): void {
    this.captionerSlot.drop();
  }

  /** Where each file of the chosen models would come from, and what the hub would send. */
  async plan(config: LoadConfig): Promise<DownloadPlan> {
    await this.backend(config);
    const entries = [findModel(MANIFEST, config.captionerId), findModel(MANIFEST, config.embedderId)];
    return (await ml()).planDownload(entries, { localModelPath: config.localModelPath, allowHub: config.allowHub, folder: this.folder });
  }

  /** Configures where models come from once per runtime setting; another setting drops both models. */
  private backend(config: LoadConfig): Promise<Backend> {
    const { localModelPath, backend, ortBase } = config;
    const allowHub = hubOptions(config).allowHub;
    const key = runtimeKey(config);
    if (this.runtime?.key !== key) {
      this.embedderSlot.drop();
      this.captionerSlot.drop();
      this.readerSlot.drop();
      this.folder = undefined;
      const files = config.folder;
      const runtime = {
        key,
        backend: ml().then((m) => {
          let folder: FolderCache | undefined;
          if (files?.length) {
            folder = new m.FolderCache();
            for (const f of files) folder.add(f.path, f.file);
          }
          if (this.runtime === runtime) this.folder = folder;
          return m.prepareRuntime({ localModelPath, allowHub, ortBase, folder, maxThreads: this.limits.maxThreads }, backend);
        }),
      };
      this.runtime = runtime;
    }
    return this.runtime.backend;
  }
}
