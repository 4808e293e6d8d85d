// The Hugging Face hub as a browser on a first visit meets it, served from a local HTTPS server:
// Chromium resolves the hub's host names to it (--host-resolver-rules) and accepts its self-signed
// certificate by its key's hash (--ignore-certificate-errors-spki-list), so the app's real loading
// code, the real CSP and COEP and the browser's own redirect handling all run.
// Why not request interception: Playwright hands only the first request of a redirect chain to a
// route; the request a 302 leads to goes to the real network (Playwright's own test "should not
// work with redirects"), which here fails as net::ERR_NAME_NOT_RESOLVED, seen as "Failed to fetch".
import { createHash, createPublicKey } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { generate } from 'selfsigned';

export const HUB_HOST = 'huggingface.co';
/** Where the hub sends large (LFS/Xet) files, as it does today. */
export const CDN_HOST = 'cas-bridge.xethub.hf.co';

export interface HubRequest {
  host: string;
  method: string;
  path: string;
  range?: string;
  status: number;
}

export interface FakeHub {
  port: number;
  /** Chromium flags that send the hub's host names here and trust this server's certificate. */
  args: string[];
  /** Every request, in order. */
  requests: HubRequest[];
  /** The next full download of a file whose repo path ends with `suffix` sends its headers and
   *  `fraction` of the body, then drops the connection (a download cut halfway). */
  cutNext(suffix: string, fraction: number): void;
  /** While true every connection is dropped (the network is gone). */
  down: boolean;
  close(): Promise<void>;
}

// The headers the hub sends with every answer (CORS for any origin; what transformers.js may read).
const HUB_CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers':
    'X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,Content-Range,X-Linked-Size,X-Linked-ETag,X-Xet-Hash',
  vary: 'Origin',
};

/** Large files (weights) go through the CDN; small ones are answered by the hub itself. */
const isLarge = (file: string): boolean => file.endsWith('.onnx') || file.endsWith('.onnx_data');

/**
 * Serves `root/<org>/<name>/<file>` at https://huggingface.co/<org>/<name>/resolve/<revision>/<file>:
 * small files directly, weights by a 302 to https://cas-bridge.xethub.hf.co/… (a signed-URL shape),
 * byte ranges answered with 206 as the hub and its CDN do.
 */
export async function startFakeHub(root: string): Promise<FakeHub> {
  const hosts = [HUB_HOST, CDN_HOST, 'cdn-lfs.hf.co'];
  const pems = await generate([{ name: 'commonName', value: HUB_HOST }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: hosts.map((value) => ({ type: 2 as const, value })) }],
  });
  const spki = createHash('sha256')
    .update(createPublicKey(pems.cert).export({ type: 'spki', format: 'der' }))
    .digest('base64');
  const tokens = new Map<string, string>();
  const cuts: Array<{ suffix: string; fraction: number }> = [];
  const requests: HubRequest[] = [];

  const hub: FakeHub = {
    port: 0,
    args: [],
    requests,
    down: false,
    cutNext: (suffix, fraction) => void cuts.push({ suffix, fraction }),
    close: () => new Promise((ok) => server.close(() => ok())),
  };

  function sendFile(req: IncomingMessage, res: ServerResponse, file: string, rel: string, headers: Record<string, string>): number {
    const size = statSync(file).size;
    const etag = `"${createHash('sha1').update(`${rel}:${size}`).digest('hex')}"`;
    const common = { ...headers, 'accept-ranges': 'bytes', etag, 'content-type': 'application/octet-stream' };
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (m) {
      const start = Number(m[1]);
      const end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
      if (start >= size) {
        res.writeHead(416, { ...common, 'content-range': `bytes */${size}` }).end();
        return 416;
      }
      res.writeHead(206, { ...common, 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': String(end - start + 1) });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file, { start, end }).pipe(res);
      return 206;
    }
    res.writeHead(200, { ...common, 'content-length': String(size) });
    if (req.method === 'HEAD') {
      res.end();
      return 200;
    }
    const cut = req.method === 'GET' ? cuts.findIndex((c) => rel.endsWith(c.suffix)) : -1;
    if (cut >= 0) {
      const fraction = cuts.splice(cut, 1)[0]?.fraction ?? 0.5;
      const stream = createReadStream(file, { start: 0, end: Math.floor(size * fraction) - 1 });
      stream.on('data', (chunk) => res.write(chunk));
      // Headers promised `size` bytes; the connection goes before they all came.
      stream.on('end', () => setTimeout(() => res.socket?.destroy(), 50));
      return 200;
    }
    createReadStream(file).pipe(res);
    return 200;
  }

  function answer(req: IncomingMessage, res: ServerResponse): number {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const url = new URL(req.url ?? '/', `https://${host}`);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...HUB_CORS,
        'access-control-allow-methods': 'GET, HEAD, OPTIONS',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
        'access-control-max-age': '86400',
      });
      res.end();
      return 204;
    }
    if (host === HUB_HOST) {
      const m = /^\/([\w.-]+\/[\w.-]+)\/resolve\/([^/]+)\/(.+)$/.exec(decodeURIComponent(url.pathname));
      const rel = m ? `${m[1]}/${m[3]}` : '';
      const file = path.join(root, rel);
      if (!m || !rel || rel.split('/').includes('..') || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404, { ...HUB_CORS, 'x-error-code': 'EntryNotFound', 'x-error-message': 'Entry not found', 'content-type': 'text/plain' });
        res.end('Entry not found');
        return 404;
      }
      const commit = 'x'.repeat(40);
      if (isLarge(rel)) {
        const token = createHash('sha256').update(rel).digest('hex');
        tokens.set(token, rel);
        const size = statSync(file).size;
        res.writeHead(302, {
          ...HUB_CORS,
          location: `https://${CDN_HOST}/xet-bridge-us/${token.slice(0, 24)}/${token}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Xet-Signed-Range=bytes%3D0-${size - 1}`,
          'x-repo-commit': commit,
          'x-linked-size': String(size),
          'x-linked-etag': `"${token}"`,
          'content-type': 'text/plain; charset=utf-8',
        });
        res.end(`Found. Redirecting to https://${CDN_HOST}/…`);
        return 302;
      }
      return sendFile(req, res, file, rel, { ...HUB_CORS, 'x-repo-commit': commit });
    }
    if (host === CDN_HOST) {
      const rel = tokens.get(url.pathname.split('/').pop() ?? '');
      if (!rel) {
        res.writeHead(403, { 'access-control-allow-origin': '*', 'content-type': 'application/xml' });
        res.end('<Error><Code>AccessDenied</Code></Error>');
        return 403;
      }
      return sendFile(req, res, path.join(root, rel), rel, { 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=604800, immutable' });
    }
    res.writeHead(421).end();
    return 421;
  }

  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    if (hub.down) return void req.socket.destroy();
    const status = answer(req, res);
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    requests.push({ host, method: req.method ?? '', path: req.url ?? '', range: req.headers.range, status });
  });
  server.on('connection', (socket) => {
    if (hub.down) socket.destroy();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  hub.port = (server.address() as AddressInfo).port;
  hub.args = [`--host-resolver-rules=${hosts.map((h) => `MAP ${h} 127.0.0.1:${hub.port}`).join(', ')}`, `--ignore-certificate-errors-spki-list=${spki}`];
  return hub;
}
