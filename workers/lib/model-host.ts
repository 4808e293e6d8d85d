// Loads the captioner and embedder once per worker, each when first needed, and hands them out;
// reloading only when the person picks other models or another backend.
import manifestJson from '../../models/manifest.json';
import { findModel, type Manifest, type ModelEntry } from '../../src/core/models/manifest';
import { createCaptioner, type Captioner } from '../../src/ml/captioner';
import { createEmbedder, type Embedder } from '../../src/ml/embedder';
import { FolderCache } from '../../src/ml/folder-cache';
import type { FileProgress } from '../../src/ml/load';
import { prepareRuntime, singleThreadReason, wasmThreads, type Backend, type BackendPreference } from '../../src/ml/runtime';

export const MANIFEST = manifestJson as Manifest;

export interface ModelConfig {
  captionerId: string;
  embedderId: string;
  allowHub: boolean;
  backend: BackendPreference;
  /** URL path of the app's own models/ folder. */
  localModelPath: string;
  ortBase?: string;
}

/** Model files from a folder the person picked (air-gapped use): relative path + file handle. */
export type ModelFolder = Array<{ path: string; file: Blob }>;

/** What a load needs: the settings plus, for this visit only, a picked folder. */
export type LoadConfig = ModelConfig & { folder?: ModelFolder };

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

/** One loaded model, shared by concurrent callers; replaced (and the old one disposed) when its key changes. */
class ModelSlot<T extends { dispose(): Promise<void> }> {
  private current: { key: string; model: Promise<T> } | undefined;

  get(key: string, create: () => Promise<T>): Promise<T> {
    if (this.current?.key === key) return this.current.model;
    this.drop();
    const entry = { key, model: create() };
    this.current = entry;
    entry.model.catch(() => {
      if (this.current === entry) this.current = undefined; // a failed load may succeed later (network back, files added)
    });
    return entry.model;
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
  private readonly embedderSlot = new ModelSlot<Embedder>();
  private readonly captionerSlot = new ModelSlot<Captioner>();

  /** Both models (once per config); concurrent callers share the same loads. */
  async load(config: LoadConfig, onProgress?: (p: FileProgress) => void, signal?: AbortSignal): Promise<Loaded> {
    const embedder = await this.embedder(config, onProgress, signal);
    const captioner = await this.captioner(config, onProgress, signal);
    const backend = await this.backend(config);
    return { captioner, embedder, info: { backend, threads: wasmThreads(), singleThread: singleThreadReason(), captioner: captioner.modelId, embedder: embedder.modelId } };
  }

  /** The sentence embedder alone (what a text search needs). */
  embedder(config: LoadConfig, onProgress?: (p: FileProgress) => void, signal?: AbortSignal): Promise<Embedder> {
    const backend = this.backend(config);
    return this.embedderSlot.get(`${this.runtime?.key}|${config.embedderId}`, async () =>
      createEmbedder(asTask(findModel(MANIFEST, config.embedderId), 'feature-extraction'), {
        backend: await backend,
        allowHub: config.allowHub,
        onProgress,
        signal,
      }),
    );
  }

  /** The captioner alone (indexing, query by image). */
  captioner(config: LoadConfig, onProgress?: (p: FileProgress) => void, signal?: AbortSignal): Promise<Captioner> {
    const backend = this.backend(config);
    return this.captionerSlot.get(`${this.runtime?.key}|${config.captionerId}`, async () =>
      createCaptioner(asTask(findModel(MANIFEST, config.captionerId), 'image-to-text'), {
        backend: await backend,
        allowHub: config.allowHub,
        onProgress,
        signal,
      }),
    );
  }

  /** Configures where models come from once per runtime setting; another setting drops both models. */
  private backend(config: LoadConfig): Promise<Backend> {
    // File handles don't stringify: the folder counts by its paths.
    const { localModelPath, allowHub, backend, ortBase } = config;
    const key = JSON.stringify({ localModelPath, allowHub, backend, ortBase, folder: config.folder?.map((f) => f.path) });
    if (this.runtime?.key !== key) {
      this.embedderSlot.drop();
      this.captionerSlot.drop();
      let folder: FolderCache | undefined;
      if (config.folder?.length) {
        folder = new FolderCache();
        for (const f of config.folder) folder.add(f.path, f.file);
      }
      this.runtime = { key, backend: prepareRuntime({ localModelPath, allowHub, ortBase, folder }, backend) };
    }
    return this.runtime.backend;
  }
}
