import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';

// onnxruntime-web's WASM runtime, served from our own origin under /ort/ (never a CDN).
// Two builds (src/ml/runtime.ts picks one per device): "asyncify" also drives WebGPU, the plain one
// is WASM only and half the size. Neither is precached; the service worker caches the one used.
export const ORT_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];
export const ORT_PREFIX = 'ort/';

function ortDistDir(): string {
  const require = createRequire(import.meta.url);
  // The package's exports hide package.json; resolve its main file and walk up to dist/.
  return path.dirname(require.resolve('onnxruntime-web'));
}

export function ortAssets(): Plugin {
  const dir = ortDistDir();
  const serve = (url: string | undefined): string | undefined => {
    const name = url?.split('?')[0]?.replace(/^.*\/ort\//, '');
    return name && ORT_FILES.includes(name) ? path.join(dir, name) : undefined;
  };
  const types: Record<string, string> = { '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
  return {
    name: 'glimpse-ort-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const file = req.url?.includes('/ort/') ? serve(req.url) : undefined;
        if (!file) return next();
        res.setHeader('Content-Type', types[path.extname(file)] ?? 'application/octet-stream');
        res.setHeader('Content-Length', statSync(file).size);
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        createReadStream(file).pipe(res);
      });
    },
    generateBundle() {
      for (const name of ORT_FILES) {
        this.emitFile({ type: 'asset', fileName: ORT_PREFIX + name, source: readFileSync(path.join(dir, name)) });
      }
    },
  };
}
