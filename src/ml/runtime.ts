// Where models and the ORT runtime come from, and which backend runs them.
import { env } from '@huggingface/transformers';
import { guardedFetch } from './download-guard';
import { singleThreadReason as threadReason } from '../core/wasm-threads';
import { FolderCache } from './folder-cache';
import { dropLegacyCaches } from './model-cache';

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
  /** At most this many WASM threads (the query worker takes one core, the analysis worker the other). */
  maxThreads?: number;
}

/**
 * onnxruntime-web builds we serve. The asyncify build also drives WebGPU; the plain one runs WASM
 * only, is half the size (14 vs 27 MB) and compiles faster, which is most of a cold first search.
 * transformers.js itself falls back to the plain build where WebGPU is missing.
 */
export type OrtBuild = 'plain' | 'asyncify';
export const ORT_BUILD_FILES: Record<OrtBuild, string> = { plain: 'ort-wasm-simd-threaded', asyncify: 'ort-wasm-simd-threaded.asyncify' };

/**
 * Loading order: the folder the person picked (if any), then models/, then the hub (if allowed).
 * The ORT build is fixed once the first session starts, so it follows the device (is there a WebGPU
 * adapter?), not the backend setting: a later switch to WebGPU then needs no reload.
 */
export async function prepareRuntime(opts: RuntimeOptions, pref: BackendPreference): Promise<Backend> {
  const [gpu] = await Promise.all([webGpuAvailable(), dropLegacyCaches()]);
  configureRuntime(opts, gpu ? 'asyncify' : 'plain');
  return gpu && pref !== 'wasm' ? 'webgpu' : isNode() ? 'cpu' : 'wasm';
}

const plainFetch = env.fetch;

function configureRuntime(opts: RuntimeOptions, build: OrtBuild): void {
  if (plainFetch) env.fetch = guardedFetch(plainFetch);
  env.allowLocalModels = true;
  env.localModelPath = opts.localModelPath;
  env.allowRemoteModels = opts.allowHub;
  env.useCustomCache = opts.folder !== undefined;
  env.customCache = opts.folder ?? null;
  const wasm = env.backends.onnx.wasm;
  if (opts.ortBase && wasm) {
    // Our origin, never the CDN default transformers.js sets at import time.
    const name = ORT_BUILD_FILES[build];
    wasm.wasmPaths = { mjs: `${opts.ortBase}${name}.mjs`, wasm: `${opts.ortBase}${name}.wasm` };
    const cores = typeof navigator === 'undefined' ? 1 : navigator.hardwareConcurrency || 1;
    wasm.numThreads = singleThreadReason() ? 1 : Math.min(4, cores, opts.maxThreads ?? 4);
  }
}

const isNode = (): boolean => typeof process !== 'undefined' && !!process.versions?.node;

let gpuProbe: Promise<boolean> | undefined;
/** Whether a WebGPU adapter exists (asked once per worker). */
function webGpuAvailable(): Promise<boolean> {
  const nav = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator;
  if (!nav?.gpu) return Promise.resolve(false);
  return (gpuProbe ??= nav.gpu.requestAdapter().then(
    (a) => !!a,
    () => false,
  ));
}

/** Why WASM must run on one thread here, or '' when threads can run (see src/core/wasm-threads.ts). */
export function singleThreadReason(): string {
  return threadReason({
    isolated: !!globalThis.crossOriginIsolated,
    sharedMemory: typeof SharedArrayBuffer !== 'undefined',
    userAgent: typeof navigator === 'undefined' ? '' : navigator.userAgent,
  });
}

export function wasmThreads(): number {
  return env.backends.onnx.wasm?.numThreads ?? 1;
}
