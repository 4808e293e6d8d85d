import { createHash, webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writePack } from '../../scripts/pack/write-pack.ts';
import { MANIFEST_FILE, partPath, ROWS_PER_PAGE, rowOffsets, rowPageJson, type PackManifest, type PackRow } from '../../src/core/pack/format.ts';
import { rowPagesOf } from '../../bench/pack/rows.ts';
import type { WorkItem } from '../../scripts/pack/work.ts';
import { buildPack, permuteRows } from '../../src/core/pack/write.ts';
import { utf8 } from '../../src/core/pack/utf8.ts';
import { buildRecord } from '../../src/core/text/record.ts';
import { vector } from './library-fixture.ts';

const CAPTIONS = ['a dog on a beach', 'a red car in the snow', 'two cats on a sofa', 'a boat at a wooden dock', 'a child with a kite'];
const models = { captioner: 'c', embedder: 'e' };
const items: WorkItem[] = Array.from({ length: 60 }, (_, i) => ({
  sha256: createHash('sha256').update(`p${i}`).digest('hex'),
  name: `${i}.jpg`, path: `photos/${String(59 - i).padStart(3, '0')}.jpg`, size: 1000 + i, type: 'image/jpeg', width: 4, height: 3, takenAt: 1_700_000_000_000 + i,
  record: buildRecord([CAPTIONS[i % CAPTIONS.length]!, `photo number ${i}`], models),
  text: vector(16, i), visual: vector(12, i + 500), thumb: Uint8Array.of(i % 7, 1, 2), models,
}));

// src/core/pack/write.ts has no Node of its own: a browser worker passes SubtleCrypto and an async
// deflate. With the same deflate bytes, that path must write the very pack the Node shell writes.
describe('pack writer (core)', () => {
  it('an async sink and async deflate give the same parts and manifest as npm run pack\'s writer', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'glimpse-pack-write-'));
    try {
      const onDisk = await writePack(dir, items);
      const parts = new Map<string, Uint8Array>();
      const sink = {
        put: async (bytes: Uint8Array): Promise<string> => {
          const hash = Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
          parts.set(hash, Uint8Array.from(bytes));
          return hash;
        },
      };
      const inMemory: PackManifest = await buildPack(items, { sink, deflateRaw: async (b) => Promise.resolve(deflateRawSync(b, { level: 9 })) });
      expect(JSON.stringify(inMemory)).toBe(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8'));
      expect(inMemory).toEqual(onDisk);
      for (const [hash, bytes] of parts) expect(new Uint8Array(readFileSync(path.join(dir, partPath(hash))))).toEqual(bytes);
      expect([...parts.values()].reduce((n, b) => n + b.byteLength, 0)).toBe(inMemory.bytes);
      expect(inMemory.count).toBe(60);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('format 7: row pages and their index are stored deflated, each page checksummed as stored, and read back as written', async () => {
    const parts = new Map<string, Uint8Array>();
    const sink = { put: (b: Uint8Array): Promise<string> => Promise.resolve(((h) => (parts.set(h, Uint8Array.from(b)), h))(createHash('sha256').update(b).digest('hex'))) };
    const m = await buildPack(items, { sink, deflateRaw: (b) => deflateRawSync(b) });
    expect(m.version).toBe(7);
    const part = parts.get(m.rows.part)!;
    const at = rowOffsets(inflateRawSync(parts.get(m.rows.index)!), m.rows.pages);
    expect(at[m.rows.pages]).toBe(part.byteLength);
    let plain = 0;
    for (let p = 0; p < m.rows.pages; p++) {
      const json = inflateRawSync(rowPageJson(part.subarray(at[p], at[p + 1]))!);
      const rows = JSON.parse(new TextDecoder().decode(json)) as PackRow[];
      expect(rows.map((r) => r.id)).toEqual(Array.from({ length: Math.min(ROWS_PER_PAGE, items.length - p * ROWS_PER_PAGE) }, (_, k) => p * ROWS_PER_PAGE + k + 1));
      plain += json.byteLength + 4;
    }
    const read = rowPagesOf(m, part, parts.get(m.rows.index)!).flat();
    expect(read.map((r) => r.id)).toEqual(items.map((_, i) => i + 1));
    expect(read.map((r) => r.sha256).sort()).toEqual(items.map((it) => it.sha256).sort());
    // Captions repeat: deflated pages are smaller than their JSON (bench:pack's ~4.0 KB pages come to ~1.3 KB).
    expect(part.byteLength).toBeLessThan(plain * 0.8);
    // A flipped stored byte fails the page's checksum before anything is inflated.
    const bad = Uint8Array.from(part.subarray(at[0], at[1]));
    bad[0] ^= 1;
    expect(rowPageJson(bad)).toBeNull();
  });

  it('a thumbnail the caller stored itself (name and size) packs as its bytes would, without being put again', async () => {
    const put = (seen: Uint8Array[]) => ({ put: async (b: Uint8Array): Promise<string> => (seen.push(b), Promise.resolve(createHash('sha256').update(b).digest('hex'))) });
    const withBytes: Uint8Array[] = [];
    const withRefs: Uint8Array[] = [];
    const refs = items.map((it) => ({ ...it, thumb: { part: createHash('sha256').update(it.thumb).digest('hex'), bytes: it.thumb.byteLength } }));
    const a = await buildPack(items, { sink: put(withBytes), deflateRaw: (b) => deflateRawSync(b) });
    const b = await buildPack(refs, { sink: put(withRefs), deflateRaw: (b) => deflateRawSync(b) });
    expect(b).toEqual(a);
    expect(withBytes.length - withRefs.length).toBe(items.length);
  });

  it('an abort once the rows are written stops the forests\' build: AbortError, no forest part, nothing deflated after', async () => {
    // The sink does not look at the signal, so only the build itself can stop: without the signal
    // reaching the forests' builds, this pack would be written whole.
    const stop = new AbortController();
    const put: Uint8Array[] = [];
    let deflated = 0;
    const refs = items.map((it) => ({ ...it, thumb: { part: createHash('sha256').update(it.thumb).digest('hex'), bytes: it.thumb.byteLength } }));
    const sink = {
      put: (b: Uint8Array): Promise<string> => {
        put.push(b);
        if (put.length === 2) stop.abort(); // the rows part, then its index: the forests come next
        return Promise.resolve(createHash('sha256').update(b).digest('hex'));
      },
    };
    // The rows' pages and index are deflated (format 7) before the abort: count only what comes after.
    const deflateRaw = (b: Uint8Array): Uint8Array => (stop.signal.aborted && deflated++, deflateRawSync(b));
    await expect(buildPack(refs, { sink, deflateRaw, signal: stop.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(put.length).toBe(2);
    expect(deflated).toBe(0);
  });

  it('vectors given as int8 codes × unit scale pack as their floats would (a library file\'s pack keeps codes, a quarter the size)', async () => {
    const coded = (v: Float32Array, i: number) => {
      const codes = Int8Array.from(v, (x) => Math.round(x * 127));
      const unitScale = 1 / (127 + (i % 5));
      return { codes, unitScale, floats: Float32Array.from(codes, (c) => c * unitScale) };
    };
    const asCodes = items.map((it, i) => ({ ...it, text: coded(it.text, i), visual: coded(it.visual, i + 7) }));
    const asFloats = asCodes.map((it) => ({ ...it, text: it.text.floats, visual: it.visual.floats }));
    const put = (seen: Map<string, Uint8Array>) => ({ put: (b: Uint8Array): Promise<string> => {
      const h = createHash('sha256').update(b).digest('hex');
      seen.set(h, Uint8Array.from(b));
      return Promise.resolve(h);
    } });
    const a = new Map<string, Uint8Array>(), b = new Map<string, Uint8Array>();
    const fromCodes = await buildPack(asCodes, { sink: put(a), deflateRaw: (x) => deflateRawSync(x) });
    expect(fromCodes).toEqual(await buildPack(asFloats, { sink: put(b), deflateRaw: (x) => deflateRawSync(x) }));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    const wrong = asCodes.map((it, i) => (i === 30 ? { ...it, visual: { codes: new Int8Array(5), unitScale: 1 } } : it));
    await expect(buildPack(wrong, { sink: put(new Map()), deflateRaw: (x) => deflateRawSync(x) })).rejects.toThrow(/has 5 dimensions, the first has 12/);
  });

  it('permuteRows puts row order[i] at row i in place, for any permutation', () => {
    const dim = 3;
    for (const n of [0, 1, 2, 7, 50]) {
      const order = Uint32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = (i * 7919 + 13) % (i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const flat = Float32Array.from({ length: n * dim }, (_, k) => k);
      const want = new Float32Array(n * dim);
      order.forEach((from, i) => want.set(flat.subarray(from * dim, (from + 1) * dim), i * dim));
      permuteRows(flat, dim, order);
      expect(flat).toEqual(want);
    }
  });

  it('refuses photos analysed with other models, naming the photo', async () => {
    const mixed = [items[0]!, { ...items[1]!, models: { captioner: 'other', embedder: 'e' } }];
    await expect(buildPack(mixed, { sink: { put: () => Promise.resolve('x') }, deflateRaw: (b) => b })).rejects.toThrow(/photos\/059\.jpg was analysed with other models \(c, e\) than photos\/058\.jpg/);
  });
});

describe('utf8', () => {
  it('encodes as TextEncoder does: ASCII, 2- and 3-byte, pairs, lone surrogates', () => {
    for (const s of ['', 'plain', 'café naïve', '東京の猫', 'emoji 🐈‍⬛ 👍🏽', 'lone \ud800 x \udc00', 'end \ud83d', JSON.stringify({ a: 'ü\u2028\ud800' })]) expect(utf8(s)).toEqual(new TextEncoder().encode(s));
  });
});
