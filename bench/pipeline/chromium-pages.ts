// The pages the Chromium pipeline bench drives: the built app and the bench page, and the routes
// vite preview serves the bench page, captions and photos from (in place, never copied).
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { build, type Plugin } from 'vite';
import type { ChromiumOptions } from './chromium.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.css': 'text/css',
  '.jpg': 'image/jpeg',
};

/** Serves /__bench/ on the preview server: the bench page, captions.json and the photos, read in place. */
export function benchRoutes(webOutDir: string, imageDir: string, captionsFile: string, compareDist?: string): Plugin {
  const send = (res: ServerResponse, file: string): void => {
    res.setHeader('Content-Type', TYPES[path.extname(file)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', statSync(file).size);
    createReadStream(file).pipe(res);
  };
  return {
    name: 'glimpse-bench-pipeline-routes',
    configurePreviewServer(server) {
      server.middlewares.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
        const pathname = decodeURIComponent((req.url ?? '').split(/[?#]/)[0] ?? '');
        if (!pathname.startsWith('/__bench/')) return next();
        res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        res.setHeader('Cache-Control', 'no-store');
        const rel = pathname.slice('/__bench/'.length);
        const notFound = (): void => {
          res.statusCode = 404;
          res.end('not found');
        };
        if (rel.split('/').some((s) => s === '..' || s.startsWith('.'))) return notFound();
        let file: string;
        if (rel === 'captions.json') file = captionsFile;
        else if (rel.startsWith('old/') && compareDist) file = path.join(compareDist, rel.slice(4));
        else if (rel.startsWith('img/')) file = path.join(imageDir, rel.slice(4));
        else file = path.join(webOutDir, rel || 'index.html');
        if (!existsSync(file) || !statSync(file).isFile()) return notFound();
        send(res, file);
      });
    },
  };
}

/** Builds the app (from the working tree) and the bench page. */
export async function buildPages(o: Pick<ChromiumOptions, 'repoRoot' | 'appOutDir' | 'webOutDir' | 'log'>): Promise<{ appMs: number; webMs: number }> {
  let t = performance.now();
  await build({ root: o.repoRoot, logLevel: 'warn', build: { outDir: o.appOutDir, emptyOutDir: true } });
  const appMs = performance.now() - t;
  o.log(`chromium: app built into ${path.relative(o.repoRoot, o.appOutDir)} in ${Math.round(appMs)} ms`);
  t = performance.now();
  await build({
    configFile: false,
    root: path.join(o.repoRoot, 'bench/pipeline/web'),
    base: '/__bench/',
    logLevel: 'warn',
    build: { outDir: o.webOutDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 1 << 20 },
    worker: { format: 'es' },
  });
  const webMs = performance.now() - t;
  o.log(`chromium: bench page built into ${path.relative(o.repoRoot, o.webOutDir)} in ${Math.round(webMs)} ms`);
  return { appMs, webMs };
}
