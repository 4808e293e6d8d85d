// A text search's embedder (workers/lib/query-side.ts): the query worker's when its model loads
// there, this worker's own when it does not (a download is this worker's), and a cancel is a cancel.
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, GlimpseError } from '../../src/core/errors';
import type { Embedder } from '../../src/ml/embedder';
import type { LoadConfig } from '../../workers/lib/model-host';
import type { QueryApi } from '../../workers/lib/query-api';
import { searchEmbedder, useQueryWorker } from '../../workers/lib/query-side';

const config = { embedderId: 'm' } as LoadConfig;
const own: Embedder = { modelId: 'own', embed: async (texts) => new Float32Array(texts.length).fill(2) } as Embedder;
const host = { embedder: async () => own, loadedEmbedder: () => undefined };
const worker = (load: QueryApi['load']): QueryApi => ({ load, embed: async (texts) => new Float32Array(texts.length).fill(1) });

afterEach(() => useQueryWorker(undefined));

describe('searchEmbedder', () => {
  it('uses the query worker when its model loads there', async () => {
    useQueryWorker(worker(async () => {}));
    const e = await searchEmbedder(host, config);
    expect(e.remote).toBe(true);
    expect(Array.from(await e.embed(['a dog']))).toEqual([1]);
  });

  it("falls back to this worker's own embedder when the query worker cannot load it", async () => {
    useQueryWorker(worker(() => Promise.reject(new GlimpseError('ModelUnavailable', 'not cached'))));
    const e = await searchEmbedder(host, config);
    expect(e.remote).toBe(false);
    expect(Array.from(await e.embed(['a dog']))).toEqual([2]);
  });

  it('uses its own embedder without a query worker', async () => {
    expect((await searchEmbedder(host, config)).remote).toBe(false);
  });

  it('rejects with an AbortError when cancelled during the load, without falling back', async () => {
    let ownAsked = false;
    useQueryWorker(worker(() => new Promise(() => {})));
    const stop = new AbortController();
    const pending = searchEmbedder({ ...host, embedder: async () => ((ownAsked = true), own) }, config, stop.signal);
    stop.abort(new AbortError());
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(ownAsked).toBe(false);
  });
});

describe('searchEmbedder, later searches', () => {
  it('asks the query worker to load once per config: a later search posts its embed at once', async () => {
    let loads = 0;
    useQueryWorker(worker(async () => {
      loads++;
    }));
    await searchEmbedder(host, config);
    const e = await searchEmbedder(host, { ...config });
    expect(e.remote).toBe(true);
    expect(loads).toBe(1);
    await searchEmbedder(host, { ...config, embedderId: 'other' });
    expect(loads).toBe(2);
  });
});

describe('searchEmbedder after a failed embed', () => {
  it('loads again on the next search, and falls back if the query worker cannot', async () => {
    let loadable = true;
    useQueryWorker({
      load: async () => {
        if (!loadable) throw new GlimpseError('ModelUnavailable', 'gone');
      },
      embed: () => Promise.reject(new GlimpseError('ModelUnavailable', 'gone')),
    });
    const e = await searchEmbedder(host, config);
    loadable = false;
    await expect(e.embed(['a dog'])).rejects.toMatchObject({ name: 'ModelUnavailable' });
    expect((await searchEmbedder(host, config)).remote).toBe(false);
  });
});

describe('searchEmbedder with its own embedder loaded', () => {
  it('uses that one while the query worker loads, then the query worker', async () => {
    let done = (): void => {};
    useQueryWorker(worker(() => new Promise((ok) => (done = () => ok()))));
    const first = await searchEmbedder({ ...host, loadedEmbedder: () => own }, config);
    expect(first.remote).toBe(false);
    done();
    await new Promise((r) => setTimeout(r, 0));
    expect((await searchEmbedder({ ...host, loadedEmbedder: () => own }, config)).remote).toBe(true);
  });
});

describe('searchEmbedder cancelled before it starts', () => {
  it('rejects with an AbortError and leaves no rejection unhandled when the load fails later', async () => {
    let fail = (): void => {};
    useQueryWorker(worker(() => new Promise((_, no) => (fail = () => no(new GlimpseError('ModelUnavailable', 'not cached'))))));
    const stop = new AbortController();
    stop.abort(new AbortError());
    await expect(searchEmbedder(host, config, stop.signal)).rejects.toMatchObject({ name: 'AbortError' });
    fail();
    // Vitest fails the run on an unhandled rejection: give it the turn to surface.
    await new Promise((r) => setTimeout(r, 10));
  });
});
