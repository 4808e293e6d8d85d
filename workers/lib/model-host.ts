// Loads the captioner and embedder once per worker and hands them out; reloading only when the
// person picks other models or another backend.
import manifestJson from '../../models/manifest.json';
import { findModel, type Manifest, type ModelEntry } from '../../src/core/models/manifest';
import { createCaptioner, type Captioner } from '../../src/ml/captioner';
import { createEmbedder, type Embedder } from '../../src/ml/embedder';
import { FolderCache } from '../../src/ml/folder-cache';
import type { FileProgress } from '../../src/ml/load';
import { configureRuntime, pickBackend, wasmThreads, type Backend, type BackendPreference } from '../../src/ml/runtime';

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

export class ModelHost {
  private loading: Promise<Loaded> | undefined;
  private key = '';

  /** Loads both models (once per config); concurrent callers share the same load. */
  load(config: LoadConfig, onProgress?: (p: FileProgress) => void, signal?: AbortSignal): Promise<Loaded> {
    // File handles don't stringify: the folder counts by its paths.
    const key = JSON.stringify({ ...config, folder: config.folder?.map((f) => f.path) });
    if (this.loading && key === this.key) return this.loading;
    void this.loading?.then((m) => Promise.all([m.captioner.dispose(), m.embedder.dispose()])).catch(() => {});
    this.key = key;
    this.loading = this.start(config, onProgress, signal);
    this.loading.catch(() => {
      this.loading = undefined; // a failed load may succeed later (network back, files added)
    });
    return this.loading;
  }

  private async start(config: LoadConfig, onProgress?: (p: FileProgress) => void, signal?: AbortSignal): Promise<Loaded> {
    let folder: FolderCache | undefined;
    if (config.folder?.length) {
      folder = new FolderCache();
      for (const f of config.folder) folder.add(f.path, f.file);
    }
    configureRuntime({ localModelPath: config.localModelPath, allowHub: config.allowHub, ortBase: config.ortBase, folder });
    const backend = await pickBackend(config.backend);
    const opts = { backend, allowHub: config.allowHub, onProgress, signal };
    const embedder = await createEmbedder(asTask(findModel(MANIFEST, config.embedderId), 'feature-extraction'), opts);
    const captioner = await createCaptioner(asTask(findModel(MANIFEST, config.captionerId), 'image-to-text'), opts);
    return { captioner, embedder, info: { backend, threads: wasmThreads(), captioner: captioner.modelId, embedder: embedder.modelId } };
  }
}
