// A slow link in front of the built app and a pack: every request waits `latencyMs` before its
// answer starts, and all answers share one `mbit` Mbit/s link (a reservation queue: each 16 KB chunk
// is sent when the link would be free). HTTP/1.1 (Node's http; Chromium opens up to 6 connections),
// or HTTP/2 over TLS (--http2: one connection, every request in flight at once).
// /pack/… is served from the pack folder as a static host would (single Range requests, 206),
// uncached (no-store) so each measured visit fetches afresh; everything else is proxied to the
// app's `vite preview`. Counts bytes sent per path class.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createSecureServer } from 'node:http2';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface Link {
  url: string;
  server: Server;
  /** Body bytes sent for /pack/ requests, and their count. */
  packBytes: number;
  packRequests: number;
  otherBytes: number;
  /** HTTP versions the pack's requests came in (to show HTTP/2 was spoken). */
  versions: Set<string>;
  /** Every /pack/ request: when it came in and was answered (performance.now()), its file, range and bytes. */
  trace: { at: number; done: number; file: string; range?: string; bytes: number }[];
}

const sleep = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms));

/** A throwaway self-signed certificate for 127.0.0.1 (openssl): browsers speak HTTP/2 only over TLS. */
function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(path.join(tmpdir(), 'glimpse-bench-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
  return { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) };
}

/** `http2`: HTTP/2 over TLS (self-signed; the browser must ignore certificate errors), one connection, requests multiplexed. */
export async function slowLink(packDir: string, appUrl: string, latencyMs: number, mbit: number, http2 = false): Promise<Link> {
  const bytesPerMs = (mbit * 1e6) / 8 / 1000; // Infinity: no bandwidth limit
  let linkFree = 0;
  const send = async (res: ServerResponse, status: number, headers: Record<string, string | string[] | undefined>, body: Uint8Array): Promise<void> => {
    res.writeHead(status, { ...headers, 'content-length': String(body.byteLength) });
    for (let at = 0; at < body.byteLength; at += 16384) {
      const chunk = body.subarray(at, at + 16384);
      linkFree = Math.max(linkFree, performance.now()) + chunk.byteLength / bytesPerMs;
      const wait = linkFree - performance.now();
      if (wait > 1) await sleep(wait);
      res.write(chunk);
    }
    res.end();
  };
  const link: Link = { url: '', server: undefined as unknown as Server, packBytes: 0, packRequests: 0, otherBytes: 0, versions: new Set(), trace: [] };
  const servePack = async (req: IncomingMessage, res: ServerResponse, rel: string, at: number): Promise<void> => {
    const entry: Link['trace'][number] = { at, done: 0, file: rel, ...(req.headers.range ? { range: req.headers.range } : {}), bytes: 0 };
    link.trace.push(entry);
    res.on('finish', () => (entry.done = performance.now()));
    link.packRequests++;
    link.versions.add(req.httpVersion);
    const file = path.join(packDir, rel || 'pack.json');
    let size: number;
    try {
      if (rel.split('/').includes('..')) throw new Error('no');
      size = (await stat(file)).size;
    } catch {
      return send(res, 404, {}, new TextEncoder().encode('not found'));
    }
    // Only the range asked is read from disk: vector parts are 100+ MB.
    const read = async (a: number, b: number): Promise<Uint8Array> => {
      const fh = await open(file);
      try {
        const buf = new Uint8Array(b + 1 - a);
        await fh.read(buf, 0, buf.byteLength, a);
        return buf;
      } finally {
        await fh.close();
      }
    };
    const headers = { 'content-type': rel.endsWith('.json') ? 'application/json' : 'application/octet-stream', 'cache-control': 'no-store', 'accept-ranges': 'bytes', 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-range' };
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (range) {
      const [a, b] = [Number(range[1]), Math.min(Number(range[2]), size - 1)];
      link.packBytes += b + 1 - a;
      entry.bytes = b + 1 - a;
      return send(res, 206, { ...headers, 'content-range': `bytes ${a}-${b}/${size}` }, await read(a, b));
    }
    link.packBytes += size;
    entry.bytes = size;
    return send(res, 200, headers, await read(0, size - 1));
  };
  const proxy = (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    new Promise((done) => {
      // HTTP/2 pseudo-headers (:path, :authority…) are not HTTP/1.1 headers.
      const fwd = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !k.startsWith(':')));
      const up = request(new URL(req.url ?? '/', appUrl), { method: req.method, headers: { ...fwd, host: new URL(appUrl).host } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => {
          const body = Buffer.concat(chunks);
          link.otherBytes += body.byteLength;
          const { 'content-length': _l, 'transfer-encoding': _t, connection: _c, 'keep-alive': _k, ...headers } = r.headers;
          void send(res, r.statusCode ?? 502, headers, body).then(done);
        });
      });
      up.on('error', () => {
        res.writeHead(502);
        res.end();
        done();
      });
      req.pipe(up);
    });
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const at = performance.now();
    void sleep(latencyMs).then(() => (pathname.startsWith('/pack/') ? servePack(req, res, pathname.slice('/pack/'.length), at) : proxy(req, res)));
  };
  // The compatibility API's request and response act as http's for what is used here.
  link.server = http2 ? (createSecureServer({ ...selfSigned(), allowHTTP1: true }, handle as never) as unknown as Server) : createServer(handle);
  await new Promise<void>((ok) => link.server.listen(0, '127.0.0.1', ok));
  link.url = `${http2 ? 'https' : 'http'}://127.0.0.1:${(link.server.address() as AddressInfo).port}/`;
  return link;
}
