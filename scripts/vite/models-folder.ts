import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Plugin } from 'vite';

// The app's own model folder (self-hosted weights). `vite` and `vite preview` serve the repo's
// models/ at <base>models/ (models/test/ included, for the browser tests); `vite build` copies it
// into dist/models/ minus models/test/ and dotfiles, so real weights dropped into
// models/Xenova/... make a fully self-hosted static site.

export const MODELS_DIR = 'models';
const URL_PREFIX = 'models/';
/** Generated test models: served in dev/preview, never shipped. */
const NOT_SHIPPED = new Set(['test']);

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

type Next = (err?: unknown) => void;
export type ModelsHandler = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

function end(res: ServerResponse, status: number, message: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.end(message);
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` within `size`; null when absent or not satisfiable as one range. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null; // multi-range or malformed: send the whole file
  let start: number;
  let last: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    last = size - 1;
  } else {
    start = Number(m[1]);
    last = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start > last || start >= size ? 'invalid' : { start, end: last };
}

/**
 * Connect middleware serving files under `root` at `<base>models/...`. Anything else goes to `next`.
 * Missing files get a real 404 (not the SPA's index.html), so transformers.js moves on to its next source.
 */
export function modelsHandler(root: string, base = '/'): ModelsHandler {
  const rootDir = path.resolve(root);
  const prefix = `${base.startsWith('/') ? base.replace(/\/?$/, '/') : '/'}${URL_PREFIX}`;
  return (req, res, next) => {
    const pathname = (req.url ?? '').split(/[?#]/)[0] ?? '';
    if (!pathname.startsWith(prefix)) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return end(res, 405, 'Method not allowed');
    }
    let rel: string;
    try {
      rel = decodeURIComponent(pathname.slice(prefix.length));
    } catch {
      return end(res, 400, 'Bad request');
    }
    // No "..", NUL or backslashes (Windows separators); dotfiles (stamps, caches) are never served.
    const segments = rel.split('/');
    if (rel.includes('\0') || rel.includes('\\') || segments.includes('..')) return end(res, 403, 'Forbidden');
    if (segments.some((s) => s.startsWith('.'))) return end(res, 404, 'Not found');
    if (rel === '') return end(res, 404, 'Not found');
    const file = path.resolve(rootDir, rel);
    if (!file.startsWith(rootDir + path.sep)) return end(res, 403, 'Forbidden');

    stat(file).then(
      (st) => {
        if (!st.isFile()) return end(res, 404, 'Not found');
        const range = parseRange(req.headers.range, st.size);
        res.setHeader('Content-Type', TYPES[path.extname(file)] ?? 'application/octet-stream');
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        res.setHeader('Accept-Ranges', 'bytes');
        res.setHeader('Last-Modified', st.mtime.toUTCString());
        res.setHeader('Cache-Control', 'no-cache');
        if (range === 'invalid') {
          res.setHeader('Content-Range', `bytes */${st.size}`);
          return end(res, 416, 'Range not satisfiable');
        }
        const { start, end: last } = range ?? { start: 0, end: st.size - 1 };
        res.statusCode = range ? 206 : 200;
        if (range) res.setHeader('Content-Range', `bytes ${start}-${last}/${st.size}`);
        res.setHeader('Content-Length', String(Math.max(0, last - start + 1)));
        if (req.method === 'HEAD' || st.size === 0) return void res.end();
        const stream = createReadStream(file, { start, end: last });
        stream.on('error', (err) => (res.headersSent ? res.destroy(err) : next(err)));
        res.on('close', () => stream.destroy());
        stream.pipe(res);
      },
      () => end(res, 404, 'Not found'),
    );
  };
}

/** Whether a path relative to models/ belongs in dist/models/. */
export function isShipped(rel: string): boolean {
  const segments = rel.split(/[\\/]/);
  return !NOT_SHIPPED.has(segments[0] ?? '') && !segments.some((s) => s.startsWith('.'));
}

/** Copies `from` into `to` (file by file, never buffering), skipping what isShipped() rejects. Returns the file count. */
export async function copyModels(from: string, to: string, rel = ''): Promise<number> {
  let count = 0;
  const dir = path.join(from, rel);
  for (const name of await readdir(dir)) {
    const childRel = rel ? `${rel}/${name}` : name;
    if (!isShipped(childRel)) continue;
    const st = await stat(path.join(dir, name)); // follows symlinks: linked weight folders are copied
    if (st.isDirectory()) {
      count += await copyModels(from, to, childRel);
    } else if (st.isFile()) {
      await mkdir(path.join(to, rel), { recursive: true });
      await copyFile(path.join(dir, name), path.join(to, childRel));
      count++;
    }
  }
  return count;
}

export function modelsFolder(): Plugin {
  let root = '';
  let outDir = '';
  let base = '/';
  return {
    name: 'glimpse-models-folder',
    configResolved(config) {
      root = path.resolve(config.root, MODELS_DIR);
      outDir = path.resolve(config.root, config.build.outDir);
      base = config.base;
    },
    configureServer(server) {
      server.middlewares.use(modelsHandler(root, base));
    },
    configurePreviewServer(server) {
      server.middlewares.use(modelsHandler(root, base));
    },
    async writeBundle(options) {
      // Only the client build (the one writing index.html) ships models.
      if (this.environment.name !== 'client') return;
      const dest = path.join(options.dir ?? outDir, MODELS_DIR);
      const started = performance.now();
      const count = await copyModels(root, dest);
      this.info(`copied ${count} file(s) from models/ to ${path.relative(process.cwd(), dest) || dest} in ${Math.round(performance.now() - started)} ms`);
    },
  };
}
