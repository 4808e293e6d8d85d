// ModelHost loads each model on first need: a text search loads the embedder alone.
// The ml room is mocked here (loading real pipelines is ml.test.ts's job): only the host's
// bookkeeping is under test.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { LoadConfig } from '../../workers/lib/model-host.ts';

const created: string[] = [];
const disposed: string[] = [];
let failNext = false;

function fakeModel(kind: string, id: string) {
  created.push(`${kind}:${id}`);
  return {
    modelId: id,
    dim: 3,
    embed: async () => new Float32Array(3),
    encode: async () => new Float32Array(3),
    caption: async () => ({ captions: [], visual: new Float32Array(3) }),
    dispose: async () => void disposed.push(`${kind}:${id}`),
  };
}

vi.mock('../../src/ml/embedder', () => ({
  createEmbedder: vi.fn(async (entry: { id: string }, opts: { signal?: AbortSignal }) => {
    await new Promise((r) => setTimeout(r, 5));
    if (opts.signal?.aborted) throw Object.assign(new Error('stopped'), { name: 'AbortError' });
    if (failNext) {
      failNext = false;
      throw Object.assign(new Error('offline'), { name: 'ModelUnavailableError' });
    }
    return fakeModel('embedder', entry.id);
  }),
}));
vi.mock('../../src/ml/captioner', () => ({
  createCaptioner: vi.fn(async (entry: { id: string }) => {
    await new Promise((r) => setTimeout(r, 5));
    return fakeModel('captioner', entry.id);
  }),
}));
vi.mock('../../src/ml/runtime', () => ({
  prepareRuntime: vi.fn(async () => 'cpu'),
  wasmThreads: () => 1,
  singleThreadReason: () => 'this browser has no SharedArrayBuffer',
}));

const { ModelHost } = await import('../../workers/lib/model-host.ts');
const { prepareRuntime } = await import('../../src/ml/runtime');
const { createEmbedder } = await import('../../src/ml/embedder');

const CONFIG: LoadConfig = {
  captionerId: 'Xenova/vit-gpt2-image-captioning',
  embedderId: 'Xenova/all-MiniLM-L6-v2',
  allowHub: false,
  backend: 'auto',
  localModelPath: '/models/',
};

beforeEach(() => {
  created.length = 0;
  disposed.length = 0;
  failNext = false;
  vi.mocked(prepareRuntime).mockClear();
  vi.mocked(createEmbedder).mockClear();
});

describe('ModelHost', () => {
  it('loads only the embedder for a text search; concurrent callers share one load', async () => {
    const host = new ModelHost();
    const [a, b] = await Promise.all([host.embedder(CONFIG), host.embedder(CONFIG)]);
    expect(a).toBe(b);
    expect(created).toEqual(['embedder:Xenova/all-MiniLM-L6-v2']);
    expect(vi.mocked(prepareRuntime)).toHaveBeenCalledTimes(1);
  });

  it('loads the captioner when indexing needs it, reusing the embedder', async () => {
    const host = new ModelHost();
    const embedder = await host.embedder(CONFIG);
    const loaded = await host.load(CONFIG);
    expect(loaded.embedder).toBe(embedder);
    expect(loaded.captioner).toBe(await host.captioner(CONFIG));
    expect(loaded.info).toEqual({ backend: 'cpu', threads: 1, singleThread: 'this browser has no SharedArrayBuffer', captioner: CONFIG.captionerId, embedder: CONFIG.embedderId });
    expect(created).toEqual(['embedder:Xenova/all-MiniLM-L6-v2', 'captioner:Xenova/vit-gpt2-image-captioning']);
  });

  it('another embedder reloads only the embedder; another runtime setting reloads both', async () => {
    const host = new ModelHost();
    await host.load(CONFIG);
    const other = { ...CONFIG, embedderId: 'Xenova/all-mpnet-base-v2' };
    await host.load(other);
    expect(created).toEqual([
      'embedder:Xenova/all-MiniLM-L6-v2',
      'captioner:Xenova/vit-gpt2-image-captioning',
      'embedder:Xenova/all-mpnet-base-v2',
    ]);
    expect(disposed).toEqual(['embedder:Xenova/all-MiniLM-L6-v2']);
    created.length = 0;
    await host.load({ ...other, backend: 'wasm' });
    expect(created).toEqual(['embedder:Xenova/all-mpnet-base-v2', 'captioner:Xenova/vit-gpt2-image-captioning']);
    expect(vi.mocked(prepareRuntime)).toHaveBeenCalledTimes(2);
    await vi.waitFor(() => expect(disposed).toHaveLength(3));
  });

  it("a caller's cancel ends only its own wait: the shared load goes on for the others", async () => {
    const host = new ModelHost();
    const search = new AbortController();
    const cancelled = host.embedder(CONFIG, undefined, search.signal);
    const next = host.embedder(CONFIG, undefined, new AbortController().signal);
    search.abort();
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    await expect(next).resolves.toMatchObject({ modelId: CONFIG.embedderId });
    expect(created).toEqual(['embedder:Xenova/all-MiniLM-L6-v2']);
  });

  it('the load stops when every caller has cancelled, and the next caller starts a new one', async () => {
    const host = new ModelHost();
    const a = new AbortController();
    const b = new AbortController();
    const first = host.embedder(CONFIG, undefined, a.signal);
    const second = host.embedder(CONFIG, undefined, b.signal);
    a.abort();
    b.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    const load = vi.mocked(createEmbedder).mock.calls.at(-1)![1] as { signal: AbortSignal };
    expect(load.signal.aborted).toBe(true);
    await expect(host.embedder(CONFIG)).resolves.toMatchObject({ modelId: CONFIG.embedderId });
    expect(created).toEqual(['embedder:Xenova/all-MiniLM-L6-v2']);
    expect(vi.mocked(createEmbedder).mock.calls.length).toBeGreaterThanOrEqual(2);
  });

  it('a failed load is tried again on the next call', async () => {
    const host = new ModelHost();
    failNext = true;
    await expect(host.embedder(CONFIG)).rejects.toMatchObject({ name: 'ModelUnavailableError' });
    await expect(host.embedder(CONFIG)).resolves.toMatchObject({ modelId: CONFIG.embedderId });
  });
});
