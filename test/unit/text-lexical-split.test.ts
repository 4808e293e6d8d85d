// The split keyword index (the static pack's): a query reads only its words' directory pages and
// postings, and ranks and explains exactly as the in-memory LexicalIndex over the same records.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LexicalIndex } from '../../src/core/text/lexical-index.ts';
import { BM25_OPTIONS, FULL_OPTIONS, type LexicalOptions } from '../../src/core/text/lexical-types.ts';
import { splitLexical } from '../../src/core/text/lexical-split.ts';
import { SplitLexical, type SplitFetch } from '../../src/core/text/split-search.ts';
import { analyzeQuery } from '../../src/core/text/query.ts';
import { buildRecord, type AnalyticsRecord } from '../../src/core/text/record.ts';

const models = { captioner: 'test', embedder: 'test' };
const SUBJECTS = ['dog', 'man', 'woman', 'boy', 'girl', 'black dog', 'white dog', 'brown dog', 'puppy', 'person', 'child', 'cat'];
const ACTIONS = ['runs on', 'sits on', 'jumps over', 'plays in', 'rides', 'holds', 'stands near', 'walks along'];
const OBJECTS = ['the grass', 'the beach', 'a bench', 'a bicycle', 'the snow', 'a red ball', 'a fence', 'a wooden dock', 'the street'];
const SIGNS = ['password', 'dentist', 'risotto', 'bakery open', 'parking only', 'willrisotto'];

/** Seeded records: shared words and triplets, OCR text on some (near spellings), ids not 1…n. */
function records(n: number, seed: number): { id: number; record: AnalyticsRecord }[] {
  let x = seed;
  const rnd = (k: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % k;
  };
  const pick = <T,>(xs: readonly T[]): T => xs[rnd(xs.length)] as T;
  return Array.from({ length: n }, (_, i) => {
    const captions = Array.from({ length: 1 + rnd(3) }, () => `A ${pick(SUBJECTS)} ${pick(ACTIONS)} ${pick(OBJECTS)} .`);
    const base = buildRecord(captions, models);
    const record: AnalyticsRecord = rnd(5) === 0 ? { ...base, ocr: { text: `${pick(SIGNS)} ${pick(SIGNS)}`, confidence: 0.9, model: 'test' } } : base;
    return { id: 3 * i + 7, record };
  });
}

const QUERIES = [
  'a dog runs on the grass',
  'a black dog jumps over a fence',
  'a girl rides a bicycle on the beach',
  'a white dog in the snow',
  'man sitting on a bench',
  'a boy holds a red ball',
  'puppy',
  'passw0rd',
  'dentlst risotto',
  'a cat on a wooden dock',
  'unicorn',
  '',
];

/** Parts in memory; counts what a query reads. */
function memoryParts(): { put: (b: Uint8Array) => string; fetch: SplitFetch; read: { parts: number; bytes: number } } {
  const parts = new Map<string, Uint8Array>();
  const read = { parts: 0, bytes: 0 };
  return {
    read,
    put: (b) => {
      const name = `part${parts.size}`;
      parts.set(name, b.slice());
      return name;
    },
    fetch: {
      part: (name) => {
        read.parts++;
        read.bytes += parts.get(name)!.byteLength;
        return Promise.resolve(parts.get(name)!);
      },
      ranges: (name, ranges) =>
        Promise.resolve(
          ranges.map(([a, b]) => {
            read.bytes += b - a;
            return parts.get(name)!.slice(a, b);
          }),
        ),
      inflate: (b) => Promise.resolve(new Uint8Array(inflateRawSync(b))),
    },
  };
}

const deflate = (b: Uint8Array): Uint8Array => deflateRawSync(b);

async function build(options: LexicalOptions, n: number, pageKeys: number, compress = true): Promise<{ index: LexicalIndex; split: SplitLexical; read: { parts: number; bytes: number }; postingsBytes: number }> {
  const index = new LexicalIndex(options);
  for (const { id, record } of records(n, 4242)) index.add(id, record);
  // Removed documents must not count (df, N, field totals): drop a few.
  for (let i = 0; i < n; i += 17) index.remove(3 * i + 7);
  const mem = memoryParts();
  const head = JSON.parse(JSON.stringify(await splitLexical(index, mem.put, { pageKeys, ...(compress ? { deflate } : {}) }))) as unknown;
  const split = SplitLexical.open(head, mem.fetch, options);
  return { index, split, read: mem.read, postingsBytes: split.head.postingsBytes };
}

describe('split keyword index', () => {
  for (const [name, options, compress] of [
    ['full options, deflated entries', FULL_OPTIONS, true],
    ['full options, entries stored', FULL_OPTIONS, false],
    ['bigrams and triplet-field terms on', { ...FULL_OPTIONS, phraseWeight: 0.5, fieldWeights: { ...FULL_OPTIONS.fieldWeights, triplet: 0.3 } }, true],
    ['plain BM25', BM25_OPTIONS, true],
  ] as const) {
    it(`ranks and explains as the in-memory index (${name})`, async () => {
      const { index, split } = await build(options, 1200, 16, compress);
      let compared = 0;
      for (const text of QUERIES) {
        const q = analyzeQuery(text, options);
        const view = await split.prepare(q);
        for (const limit of [5, 100, Infinity]) {
          const want = index.search(q, { limit, explain: false });
          const got = view.search({ limit });
          expect(got.map((h) => [h.id, h.score])).toEqual(want.map((h) => [h.id, h.score]));
          compared += want.length;
        }
        for (const hit of index.search(q, { limit: 20 })) expect(view.explain(hit.id, index.docData(hit.id)!)).toEqual(hit.reasons);
      }
      expect(compared).toBeGreaterThan(500); // the queries do match
    });
  }

  it('reads only the directory pages and postings of the query, and nothing again for a repeated query', async () => {
    const { split, read, postingsBytes } = await build(FULL_OPTIONS, 1200, 4);
    expect(split.head.pages.length).toBeGreaterThan(4);
    await split.prepare(analyzeQuery('a cat on a wooden dock', FULL_OPTIONS));
    expect(read.parts).toBeLessThan(split.head.pages.length);
    expect(read.bytes).toBeGreaterThan(0);
    expect(read.bytes).toBeLessThan(postingsBytes / 2);
    const before = { ...read };
    await split.prepare(analyzeQuery('a cat on a wooden dock', FULL_OPTIONS));
    expect(read).toEqual(before);
  });

  it('refuses a damaged postings range by name', async () => {
    const index = new LexicalIndex(FULL_OPTIONS);
    for (const { id, record } of records(200, 7)) index.add(id, record);
    const mem = memoryParts();
    const head = await splitLexical(index, mem.put, { deflate });
    const fetch: SplitFetch = { ...mem.fetch, ranges: async (n, r) => (await mem.fetch.ranges(n, r)).map((b) => (b.length > 2 && (b[1]! ^= 1), b)) };
    const split = SplitLexical.open(head, fetch, FULL_OPTIONS);
    await expect(split.prepare(analyzeQuery('dog', FULL_OPTIONS))).rejects.toMatchObject({ name: 'SplitIndexError', message: expect.stringContaining('fail their checksum') });
    expect(() => SplitLexical.open({ ...head, version: 99 }, fetch)).toThrow(expect.objectContaining({ name: 'StaleIndexError' }));
    expect(() => SplitLexical.open(head, fetch, BM25_OPTIONS)).toThrow(expect.objectContaining({ name: 'StaleIndexError' }));
  });
});
