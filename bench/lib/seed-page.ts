// The seed page of bench/archive (bench:archive and bench:ui --grow): built once per bench into its
// own folder and served under /__bench/ on the preview server, so it shares the app's origin and
// IndexedDB. The shared photos under img/ are read in place (thumbnails are made in the page).
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { build, type Plugin } from 'vite';
import { SHARED_IMAGES } from '../../test/browser/helpers/library-page.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** Builds the seed page into `webOut`. */
export async function buildSeedPage(webOut: string): Promise<void> {
  await build({ configFile: false, root: path.join(root, 'bench/archive'), base: '/__bench/', logLevel: 'warn', build: { outDir: webOut, emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 1 << 20, rollupOptions: { input: path.join(root, 'bench/archive/index.html') } } });
}

/** Serves the page built in `webOut` under /__bench/ on the preview server. */
export function seedPageRoute(name: string, webOut: string): Plugin {
  return {
    name,
    configurePreviewServer(server) {
      server.middlewares.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
        const pathname = decodeURIComponent((req.url ?? '').split(/[?#]/)[0] ?? '');
        if (!pathname.startsWith('/__bench/')) return next();
        const rel = pathname.slice('/__bench/'.length) || 'index.html';
        const file = rel.startsWith('img/') ? path.join(SHARED_IMAGES, rel.slice(4)) : path.join(webOut, rel);
        if (rel.split('/').includes('..') || !existsSync(file)) {
          res.statusCode = 404;
          return res.end();
        }
        res.setHeader('Content-Type', file.endsWith('.html') ? 'text/html' : file.endsWith('.jpg') ? 'image/jpeg' : 'text/javascript');
        res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
        res.end(readFileSync(file));
      });
    },
  };
}
