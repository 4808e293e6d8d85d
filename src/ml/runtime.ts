// Where models and the ORT runtime come from, and which backend runs them.
import { env } from '@huggingface/transformers';
import { FolderCache } from './folder-cache';

export type Backend = 'webgpu' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | 'webgpu' | 'wasm';

export interface RuntimeOptions {
  /** The app's own model folder: a URL path in the browser ('/models/'), a directory in Node. */
  localModelPath: string;
  /** Whether the Hugging Face hub may be used when a file is not in localModelPath. */
  allowHub: boolean;
  /** URL prefix where our own onnxruntime-web files are served (browser only). */
  ortBase?: string;
  /** Files from a folder the person picked (air-gapped use), by relative path. */
  folder?: FolderCache;
}

const ORT_WASM = 'ort-wasm-simd-threaded.asyncify';

/** Loading order: the folder the person picked (if any), then models/, then the hub (if allowed). */
export function configureRuntime(opts: RuntimeOptions): void {
  env.allowLocalModels = true;
  env.localModelPath = opts.localModelPath;
  env.allowRemoteModels = opts.allowHub;
  env.useCustomCache = opts.folder !== undefined;
  env.customCache = opts.folder ?? null;
  const wasm = env.backends.onnx.wasm;
  if (opts.ortBase && wasm) {
    // Our origin, never the CDN default transformers.js sets at import time.
    wasm.wasmPaths = { mjs: `${opts.ortBase}${ORT_WASM}.mjs`, wasm: `${opts.ortBase}${ORT_WASM}.wasm` };
    const cores = typeof navigator === 'undefined' ? 1 : navigator.hardwareConcurrency || 1;
    // Threads need SharedArrayBuffer, i.e. a cross-origin isolated page.
    wasm.numThreads = globalThis.crossOriginIsolated ? Math.min(4, cores) : 1;
  }
}

/** The backend the models will run on: WebGPU when asked or available, WASM otherwise, CPU in Node. */
export async function pickBackend(pref: BackendPreference): Promise<Backend> {
  const nav = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator;
  if (typeof process !== 'undefined' && process.versions?.node && !nav?.gpu) return 'cpu';
  if (pref === 'wasm' || !nav?.gpu) return 'wasm';
  try {
    return (await nav.gpu.requestAdapter()) ? 'webgpu' : 'wasm';
  } catch {
    return 'wasm';
  }
}

export function wasmThreads(): number {
  return env.backends.onnx.wasm?.numThreads ?? 1;
}
