// What the worker uses of the ml room (transformers.js and onnxruntime-web: 1.4 MB of script),
// in one module that model-host.ts imports on first need, so the worker's start does not wait for it.
export { createCaptioner } from '../../src/ml/captioner';
export { createEmbedder } from '../../src/ml/embedder';
export { FolderCache } from '../../src/ml/folder-cache';
export { loadTextReader } from '../../src/ml/ocr-load';
export { planDownload } from '../../src/ml/model-cache';
export { prepareRuntime, singleThreadReason, wasmThreads } from '../../src/ml/runtime';
