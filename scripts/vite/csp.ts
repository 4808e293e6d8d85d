import type { Plugin } from 'vite';

// Content-Security-Policy for the built app, as a <meta> so any static host carries it.
// - 'wasm-unsafe-eval': onnxruntime-web compiles WebAssembly.
// - blob: scripts/workers: transformers.js loads ORT's factory from a blob: URL it cached.
// - connect-src: our origin plus the Hugging Face hub (model downloads only).
// - 'unsafe-inline' styles: Svelte sets style attributes; no inline *scripts* are allowed.
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "connect-src 'self' blob: data: https://huggingface.co https://*.huggingface.co https://*.hf.co",
  "font-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

export function cspMeta(): Plugin {
  return {
    name: 'glimpse-csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' },
    ],
  };
}
