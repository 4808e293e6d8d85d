// The models/ folder plugin (scripts/vite/models-folder.ts): its request handler behind a real HTTP
// server, and the build-time copy that leaves models/test/ and dotfiles out of dist/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyModels, isShipped, modelsHandler } from '../../scripts/vite/models-folder.ts';

let tmp = '';
let models = '';
let server: Server;
let port = 0;
const weights = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 251));

function write(rel: string, data: string | Buffer): void {
  const file = path.join(tmp, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'glimpse-models-folder-'));
  models = path.join(tmp, 'models');
  write('models/manifest.json', '{"version":1}');
  write('models/Xenova/m/config.json', '{"hidden_size":8}');
  write('models/Xenova/m/onnx/model_quantized.onnx', weights);
  write('models/test/tiny/Xenova/m/config.json', '{"hidden_size":4}');
  write('models/test/tiny/.generator-stamp.json', '{}');
  write('models/.cache/x.bin', 'cache');
  write('models/Xenova/m/.DS_Store', 'junk');
  write('secret.txt', 'outside the models folder');
  const handler = modelsHandler(models, '/app/');
  server = createServer((req, res) =>
    handler(req, res, () => {
      res.statusCode = 299; // "passed to next"
      res.end('next');
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(tmp, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Raw http.request: unlike fetch it sends the path as written (no `..` normalisation). */
function get(pathname: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: pathname, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('models folder: request handler', () => {
  it('serves a file with its bytes, Content-Length, type and CORP header', async () => {
    const r = await get('/app/models/Xenova/m/onnx/model_quantized.onnx');
    expect(r.status).toBe(200);
    expect(r.body.equals(weights)).toBe(true);
    expect(r.headers['content-length']).toBe(String(weights.length));
    expect(r.headers['content-type']).toBe('application/octet-stream');
    expect(r.headers['cross-origin-resource-policy']).toBe('same-origin');

    const json = await get('/app/models/Xenova/m/config.json?download=1');
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toBe('application/json');
    expect(JSON.parse(json.body.toString())).toEqual({ hidden_size: 8 });
  });

  it('serves models/test/ (browser tests load the tiny models from it) and percent-encoded paths', async () => {
    expect((await get('/app/models/test/tiny/Xenova/m/config.json')).body.toString()).toBe('{"hidden_size":4}');
    expect((await get('/app/models/Xenova/m/%63onfig.json')).status).toBe(200);
  });

  it('answers HEAD and single byte ranges', async () => {
    const head = await get('/app/models/Xenova/m/onnx/model_quantized.onnx', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(weights.length));
    expect(head.body.length).toBe(0);
    const part = await get('/app/models/Xenova/m/onnx/model_quantized.onnx', { headers: { Range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 10-19/${weights.length}`);
    expect(part.body.equals(weights.subarray(10, 20))).toBe(true);
    const bad = await get('/app/models/Xenova/m/onnx/model_quantized.onnx', { headers: { Range: `bytes=${weights.length}-` } });
    expect(bad.status).toBe(416);
  });

  it('404s missing files, folders and dotfiles (so transformers.js tries its next source)', async () => {
    for (const p of ['/app/models/Xenova/m/tokenizer.json', '/app/models/Xenova/m', '/app/models/', '/app/models/test/tiny/.generator-stamp.json']) {
      const r = await get(p);
      expect(r.status, p).toBe(404);
      expect(r.body.toString(), p).not.toContain('{');
    }
  });

  it('rejects path traversal, plain or encoded', async () => {
    for (const p of [
      '/app/models/../secret.txt',
      '/app/models/%2e%2e/secret.txt',
      '/app/models/Xenova/..%2f..%2fsecret.txt',
      '/app/models/..%5csecret.txt',
      '/app/models/%2fetc%2fpasswd',
      '/app/models/x%00.json',
    ]) {
      const r = await get(p);
      expect(r.status, p).toBe(403);
      expect(r.body.toString(), p).not.toContain('outside');
    }
    expect((await get('/app/models/%E0%A4%A')).status).toBe(400);
  });

  it('leaves other URLs and methods alone or refuses them', async () => {
    expect((await get('/app/index.html')).status).toBe(299);
    expect((await get('/models/Xenova/m/config.json')).status).toBe(299); // outside the base
    expect((await get('/app/models/Xenova/m/config.json', { method: 'POST' })).status).toBe(405);
  });
});

describe('models folder: build copy', () => {
  it('ships everything except models/test/ and dotfiles', async () => {
    const dist = path.join(tmp, 'dist/models');
    const count = await copyModels(models, dist);
    expect(count).toBe(3);
    expect(readFileSync(path.join(dist, 'manifest.json'), 'utf8')).toBe('{"version":1}');
    expect(readFileSync(path.join(dist, 'Xenova/m/onnx/model_quantized.onnx')).equals(weights)).toBe(true);
    expect(existsSync(path.join(dist, 'Xenova/m/config.json'))).toBe(true);
    expect(existsSync(path.join(dist, 'test'))).toBe(false);
    expect(existsSync(path.join(dist, '.cache'))).toBe(false);
    expect(existsSync(path.join(dist, 'Xenova/m/.DS_Store'))).toBe(false);
  });

  it('isShipped: only top-level test/ is excluded', () => {
    expect(isShipped('test')).toBe(false);
    expect(isShipped('test/tiny/x.onnx')).toBe(false);
    expect(isShipped('Xenova/test/config.json')).toBe(true);
    expect(isShipped('Xenova/m/.hidden')).toBe(false);
  });
});
