// The ml room (src/ml) in Node on the tiny random-weight test models (scripts/gen-test-models.ts):
// real transformers.js pipelines, onnxruntime-node, the same loading paths the workers use.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Tensor } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CAPTIONER_REPO, EMBEDDER_REPO } from '../../scripts/onnx/config-json.ts';
import { generateTestModels, repoRoot } from '../../scripts/onnx/generate.ts';
import { findModel, type Manifest, type ModelEntry } from '../../src/core/models/manifest';
import { createCaptioner, type Captioner, type Rgba } from '../../src/ml/captioner';
import { createEmbedder, type Embedder } from '../../src/ml/embedder';
import { FolderCache } from '../../src/ml/folder-cache';
import type { LoadOptions } from '../../src/ml/load';
import { prepareRuntime } from '../../src/ml/runtime';
import { batchRow, meanPoolRows, repeatRows, trimAtEos } from '../../src/ml/tensor-utils';

const IMAGES = path.resolve(repoRoot, '../shared/data/captioned/images');
const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'models/manifest.json'), 'utf8')) as Manifest;
const load: LoadOptions = { backend: 'cpu', allowHub: false };

function entry<T extends ModelEntry['task']>(id: string, task: T): ModelEntry & { task: T } {
  const e = findModel(manifest, id);
  if (e.task !== task) throw new Error(`${id} is a ${e.task} model`);
  return e as ModelEntry & { task: T };
}
const embedderEntry = entry(EMBEDDER_REPO, 'feature-extraction');
const captionerEntry = entry(CAPTIONER_REPO, 'image-to-text');

let tiny = '';
const tmp: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'glimpse-ml-'));
  tmp.push(d);
  return `${d}${path.sep}`;
}
const configJson = (repo: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(tiny, repo, 'config.json'), 'utf8')) as Record<string, unknown>;

function norms(rows: Float32Array, dim: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows.length / dim; r++) out.push(Math.hypot(...rows.subarray(r * dim, (r + 1) * dim)));
  return out;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

beforeAll(() => {
  tiny = `${generateTestModels({ size: 'tiny' }).dir}${path.sep}`;
});
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('embedder (tiny test model)', () => {
  let embedder: Embedder;
  beforeAll(async () => {
    await prepareRuntime({ localModelPath: tiny, allowHub: false }, 'auto');
    embedder = await createEmbedder(embedderEntry, load);
  });
  afterAll(() => embedder?.dispose());

  it('reads its dimension from the loaded config, not the manifest', () => {
    expect(embedder.modelId).toBe(EMBEDDER_REPO);
    expect(embedder.dim).toBe(configJson(EMBEDDER_REPO)['hidden_size']);
    expect(embedder.dim).toBe(32);
    expect(embedderEntry.dim).toBe(384);
  });

  it('returns n×dim row-major unit rows, one per text, independent of batching', async () => {
    const texts = ['a brown dog jumps over a log', 'two children play in the snow', 'x'];
    const rows = await embedder.embed(texts);
    expect(rows).toBeInstanceOf(Float32Array);
    expect(rows.length).toBe(texts.length * embedder.dim);
    for (const n of norms(rows, embedder.dim)) expect(n).toBeCloseTo(1, 4);
    expect(rows.subarray(0, embedder.dim)).not.toEqual(rows.subarray(embedder.dim, 2 * embedder.dim));
    // q8 weights quantise activations per batch, so padding may move the last digits.
    const alone = await embedder.embed([texts[1]!]);
    Array.from(alone).forEach((v, i) => expect(v).toBeCloseTo(rows[embedder.dim + i]!, 3));
  });

  it('empty input → empty array', async () => {
    const rows = await embedder.embed([]);
    expect(rows).toBeInstanceOf(Float32Array);
    expect(rows.length).toBe(0);
  });

  it('an aborted signal rejects with AbortError (embedding and loading)', async () => {
    const ac = new AbortController();
    ac.abort();
    expect((await rejection(embedder.embed(['hello'], ac.signal))).name).toBe('AbortError');
    expect((await rejection(createEmbedder(embedderEntry, { ...load, signal: ac.signal }))).name).toBe('AbortError');
  });
});

describe('captioner (tiny test model)', () => {
  let captioner: Captioner;
  let image: Rgba;
  beforeAll(async () => {
    await prepareRuntime({ localModelPath: tiny, allowHub: false }, 'auto');
    const file = readdirSync(IMAGES).filter((f) => f.endsWith('.jpg')).sort()[0]!;
    const { data, info } = await sharp(path.join(IMAGES, file)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    image = { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
    captioner = await createCaptioner(captionerEntry, load);
  });
  afterAll(() => captioner?.dispose());

  it('dim is the encoder hidden size of the loaded config', () => {
    expect(captioner.modelId).toBe(CAPTIONER_REPO);
    expect(captioner.dim).toBe((configJson(CAPTIONER_REPO)['encoder'] as { hidden_size: number }).hidden_size);
    expect(captioner.dim).toBe(32);
  });

  it('caption(): `count` strings and a unit visual vector, from ONE encoder pass', async () => {
    // Every session transformers.js creates in Node is an onnxruntime-node InferenceSession.
    type Run = { run(feeds: Record<string, unknown>): Promise<unknown> };
    const run = vi.spyOn((ort.InferenceSession as unknown as { prototype: Run }).prototype, 'run');
    try {
      const { captions, visual } = await captioner.caption(image, { count: 3, maxNewTokens: 6 });
      expect(captions).toHaveLength(3);
      for (const c of captions) expect(typeof c).toBe('string');
      expect(visual).toBeInstanceOf(Float32Array);
      expect(visual.length).toBe(captioner.dim);
      expect(Math.hypot(...visual)).toBeCloseTo(1, 5);
      const encoderRuns = run.mock.calls.filter(([feeds]) => 'pixel_values' in feeds);
      const decoderRuns = run.mock.calls.filter(([feeds]) => 'input_ids' in feeds);
      expect(encoderRuns).toHaveLength(1);
      // Greedy and sampled batches each decode at least one step, and no more than maxNewTokens.
      expect(decoderRuns.length).toBeGreaterThanOrEqual(2);
      expect(decoderRuns.length).toBeLessThanOrEqual(2 * 6);
    } finally {
      run.mockRestore();
    }
  });

  it('encode() returns the same visual vector as caption(); the greedy caption is deterministic', async () => {
    const a = await captioner.caption(image, { count: 1, maxNewTokens: 4 });
    const b = await captioner.caption(image, { count: 2, maxNewTokens: 4 });
    const v = await captioner.encode(image);
    expect(Array.from(v)).toEqual(Array.from(a.visual));
    expect(Array.from(b.visual)).toEqual(Array.from(a.visual));
    expect(a.captions).toHaveLength(1);
    expect(b.captions[0]).toBe(a.captions[0]);
  });

  it('captionBatch(): the greedy captions and visual vectors equal caption()\'s, image by image, from one encoder run', async () => {
    // Photos all get the same caption from the random tiny model: a black, a white and a noise image do not.
    const flat = (value: (i: number) => number): Rgba => ({ data: Uint8ClampedArray.from({ length: 64 * 64 * 4 }, (_, i) => (i % 4 === 3 ? 255 : value(i))), width: 64, height: 64 });
    let seed = 7;
    const noise = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255;
    const images = [image, flat(() => 0), flat(() => 255), flat(noise)];
    const alone: { captions: string[]; visual: Float32Array }[] = [];
    for (const img of images) alone.push(await captioner.caption(img, { count: 1, maxNewTokens: 8 }));
    type Run = { run(feeds: Record<string, unknown>): Promise<unknown> };
    const run = vi.spyOn((ort.InferenceSession as unknown as { prototype: Run }).prototype, 'run');
    try {
      const batch = await captioner.captionBatch(images, { count: 3, maxNewTokens: 8 });
      expect(batch).toHaveLength(4);
      expect(batch.map((b) => b.captions.length)).toEqual([3, 3, 3, 3]);
      expect(batch.map((b) => b.captions[0])).toEqual(alone.map((a) => a.captions[0]));
      batch.forEach((b, i) => {
        const v = alone[i]!.visual;
        expect(b.visual.length).toBe(v.length);
        // The q8 encoder quantizes its activations with one scale per tensor, here the batch's:
        // the vectors differ a little (~1e-4), not the greedy captions.
        b.visual.forEach((x, d) => expect(x).toBeCloseTo(v[d]!, 3));
      });
      // The random-weight model still tells images apart: not every caption is the same.
      expect(new Set(alone.map((a) => a.captions[0])).size).toBeGreaterThan(1);
      expect(run.mock.calls.filter(([feeds]) => 'pixel_values' in feeds)).toHaveLength(1);
    } finally {
      run.mockRestore();
    }
    expect(await captioner.captionBatch([], { count: 3, maxNewTokens: 8 })).toEqual([]);
  });

  it('an aborted signal rejects with AbortError', async () => {
    const ac = new AbortController();
    ac.abort();
    expect((await rejection(captioner.caption(image, { count: 2, maxNewTokens: 4, signal: ac.signal }))).name).toBe('AbortError');
    expect((await rejection(captioner.captionBatch([image, image], { count: 2, maxNewTokens: 4, signal: ac.signal }))).name).toBe('AbortError');
    expect((await rejection(captioner.encode(image, ac.signal))).name).toBe('AbortError');
  });
});

describe('model unavailable', () => {
  it.each([embedderEntry, captionerEntry])('$id: ModelUnavailableError naming the model and the three ways to provide it', async (e) => {
    await prepareRuntime({ localModelPath: tempDir(), allowHub: false }, 'auto');
    const err = await rejection(e.task === 'feature-extraction' ? createEmbedder(embedderEntry, load) : createCaptioner(captionerEntry, load));
    expect(err.name).toBe('ModelUnavailableError');
    expect(err.message).toContain(`Model ${e.id} could not be loaded`);
    expect(err.message).toContain(`models/${e.id}/`); // 1. the app's models/ folder
    expect(err.message).toContain('allow the Hugging Face hub'); // 2. the hub
    expect(err.message).toContain('Load models from a folder'); // 3. a picked folder
  });
});

describe('FolderCache (a folder the person picked)', () => {
  function folderOf(repo: string, prefix: string): FolderCache {
    const folder = new FolderCache();
    const walk = (rel: string): void => {
      for (const name of readdirSync(path.join(tiny, rel))) {
        const child = `${rel}/${name}`;
        if (statSync(path.join(tiny, child)).isDirectory()) walk(child);
        else folder.add(`${prefix}${child}`, new Blob([readFileSync(path.join(tiny, child))]));
      }
    };
    walk(repo);
    return folder;
  }

  it('loads the embedder from the folder when models/ is empty and the hub is off', async () => {
    const folder = folderOf(EMBEDDER_REPO, 'some/dir/');
    const match = vi.spyOn(folder, 'match');
    await prepareRuntime({ localModelPath: tempDir(), allowHub: false, folder }, 'auto');
    const files: string[] = [];
    const embedder = await createEmbedder(embedderEntry, { ...load, onProgress: (p) => p.done && files.push(p.file) });
    try {
      expect(embedder.dim).toBe(32);
      const rows = await embedder.embed(['a dog on a beach']);
      expect(norms(rows, 32)[0]).toBeCloseTo(1, 4);
      expect(match).toHaveBeenCalled();
      expect(files).toEqual(expect.arrayContaining(['config.json', 'tokenizer.json', 'onnx/model_quantized.onnx']));
    } finally {
      await embedder.dispose();
      await prepareRuntime({ localModelPath: tiny, allowHub: false }, 'auto');
    }
  });

  it('matches local paths and hub URLs by their tail; the picked folder may be the model folder itself', async () => {
    const nested = folderOf(EMBEDDER_REPO, 'some/dir/');
    const own = new FolderCache();
    own.add('all-MiniLM-L6-v2/config.json', new Blob(['{"a":1}']));
    own.add('all-MiniLM-L6-v2\\onnx\\model_quantized.onnx', new Blob(['w']));
    const hub = `https://huggingface.co/${EMBEDDER_REPO}/resolve/main/config.json`;
    expect(await (await nested.match(hub))?.json()).toEqual(configJson(EMBEDDER_REPO));
    expect((await nested.match(`/tmp/x/${EMBEDDER_REPO}/tokenizer.json`))?.headers.get('content-length')).toMatch(/^\d+$/);
    expect(await nested.match(`/tmp/x/${CAPTIONER_REPO}/config.json`)).toBeUndefined();
    expect(await (await own.match(`/models/${EMBEDDER_REPO}/config.json`))?.json()).toEqual({ a: 1 });
    expect(await (await own.match(`/models/${EMBEDDER_REPO}/onnx/model_quantized.onnx`))?.text()).toBe('w');
  });

  it("never hands out another model's weights that merely share a file name", async () => {
    const folder = new FolderCache();
    folder.add('picked/Mozilla/distilvit/onnx/encoder_model_quantized.onnx', new Blob(['distilvit']));
    folder.add('picked/Mozilla/distilvit/config.json', new Blob(['{}']));
    const hub = (repo: string, file: string): string => `https://huggingface.co/${repo}/resolve/main/${file}`;
    expect(await folder.match(hub(CAPTIONER_REPO, 'onnx/encoder_model_quantized.onnx'))).toBeUndefined();
    expect(await folder.match(hub(CAPTIONER_REPO, 'config.json'))).toBeUndefined();
    expect(await (await folder.match(hub('Mozilla/distilvit', 'onnx/encoder_model_quantized.onnx')))?.text()).toBe('distilvit');
  });
});

describe('tensor-utils', () => {
  it('meanPoolRows: mean over tokens, unit length; zeros stay zeros', () => {
    const pooled = meanPoolRows(new Tensor('float32', new Float32Array([1, 2, 3, 4, 5, 6]), [1, 3, 2]));
    const [x, y] = [3, 4]; // mean of (1,2), (3,4), (5,6)
    expect(Array.from(pooled)).toEqual([x / 5, y / 5].map(Math.fround));
    expect(Array.from(meanPoolRows(new Tensor('float32', new Float32Array(4), [1, 2, 2])))).toEqual([0, 0]);
  });

  it('repeatRows: each row n times in place along the first axis; n = 1 is the same tensor', () => {
    const t = new Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 2, 2]);
    expect(repeatRows(t, 1)).toBe(t);
    const r = repeatRows(t, 3);
    expect(r.dims).toEqual([3, 2, 2]);
    expect(Array.from(r.data as Float32Array)).toEqual([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]);
    const two = repeatRows(new Tensor('float32', new Float32Array([1, 2, 3, 4]), [2, 2]), 2);
    expect(two.dims).toEqual([4, 2]);
    expect(Array.from(two.data as Float32Array)).toEqual([1, 2, 1, 2, 3, 4, 3, 4]);
  });

  it('batchRow: row i of a batch as a batch-1 tensor', () => {
    const t = new Tensor('float32', new Float32Array([1, 2, 3, 4, 5, 6]), [3, 1, 2]);
    const r = batchRow(t, 1);
    expect(r.dims).toEqual([1, 1, 2]);
    expect(Array.from(r.data as Float32Array)).toEqual([3, 4]);
  });

  it('trimAtEos: drops the start token and everything from the first EOS', () => {
    const eos = 50256;
    const rows = [
      [50256n, 10n, 11n, 50256n, 12n, 50256n],
      [50256n, 20n, 21n, 22n],
      [50256n, 50256n, 30n],
      [50256n],
    ];
    expect(trimAtEos(rows, eos)).toEqual([[10, 11], [20, 21, 22], [], []]);
  });
});
