// src/ml/ort-wasm.ts: onnxruntime streams its wasm from our origin when that answers (compiled code
// kept by the browser), and the Cache Storage copy transformers.js reads offline is still made.
import { describe, expect, it } from 'vitest';
import { streamWasm, type WasmFiles } from '../../src/ml/ort-wasm';

const FILES: WasmFiles = { mjs: 'https://app.test/ort/ort.mjs', wasm: 'https://app.test/ort/ort.wasm' };

/** A Cache Storage cache over a Map (match and put are all streamWasm uses). */
function fakeCache(initial: string[] = []): { cache: Cache; stored: Map<string, Response> } {
  const stored = new Map(initial.map((u) => [u, new Response('old')]));
  const cache = {
    match: async (url: string) => stored.get(url),
    put: async (url: string, res: Response) => void stored.set(url, res),
  } as unknown as Cache;
  return { cache, stored };
}

/** Our origin: online or not; a static host may answer index.html for any path. */
function origin(online: boolean, html = false): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  const f = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push(`${init?.method ?? 'GET'} ${String(url)}`);
    if (!online) throw new TypeError('Failed to fetch');
    return new Response(init?.method === 'HEAD' ? null : 'bytes', { headers: { 'content-type': html ? 'text/html' : 'application/wasm' } });
  };
  return { fetch: f as typeof fetch, calls };
}

describe('streamWasm', () => {
  it('online: streams, and first stores both files for offline visits', async () => {
    const { cache, stored } = fakeCache();
    const net = origin(true);
    expect(await streamWasm(FILES, { fetch: net.fetch, cache })).toBe(true);
    expect([...stored.keys()].sort()).toEqual([FILES.mjs, FILES.wasm]);
    expect(net.calls).toContain(`HEAD ${FILES.wasm}`);
  });

  it('online with both copies stored: streams, fetching no file again', async () => {
    const { cache } = fakeCache([FILES.mjs, FILES.wasm]);
    const net = origin(true);
    expect(await streamWasm(FILES, { fetch: net.fetch, cache })).toBe(true);
    expect(net.calls).toEqual([`HEAD ${FILES.wasm}`]);
  });

  it('offline: the cached bytes (transformers.js), and the copies are left as they were', async () => {
    const { cache, stored } = fakeCache([FILES.mjs, FILES.wasm]);
    expect(await streamWasm(FILES, { fetch: origin(false).fetch, cache })).toBe(false);
    expect(stored.size).toBe(2);
  });

  it('a host answering index.html for the wasm: not streamed', async () => {
    expect(await streamWasm(FILES, { fetch: origin(true, true).fetch, cache: fakeCache().cache })).toBe(false);
  });

  it('storage blocked (no cache): streams when online', async () => {
    expect(await streamWasm(FILES, { fetch: origin(true).fetch, cache: undefined })).toBe(true);
  });
});
