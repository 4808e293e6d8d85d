// A text search whose answer is slow shows its keyword results first (workers/lib/text-query.ts):
// sent once, before the answer, never when the answer comes within PREVIEW_AFTER_MS, never after
// a cancel, and never after the answer itself.
import { describe, expect, it } from 'vitest';
import type { QueryEmbedder } from '../../workers/lib/query-side';
import type { PreparedText, ResultRow } from '../../workers/lib/ranking';
import { textQuery, type TextSearchable } from '../../workers/lib/text-query';

const row = (id: number, caption: string): ResultRow => ({ id, name: `${id}.jpg`, score: 1, caption, summary: { kind: 'caption', text: caption, highlights: [] } });
const PREVIEW = [row(1, 'keywords only')];
const ANSWER = [row(2, 'fused'), row(1, 'keywords only')];

/** A library whose answer comes with its vector; `previewed` counts preview reads. */
function fakeLibrary(): TextSearchable & { previewed: number } {
  const prepared = { lexical: { text: 'dog' }, hits: [] } as unknown as PreparedText;
  return {
    previewed: 0,
    prepareText: () => prepared,
    searchText: async (_q, vector) => (vector ? ANSWER : PREVIEW),
    async previewText() {
      this.previewed++;
      return PREVIEW;
    },
  };
}

/** An embedder that answers when `release` is called. */
function heldEmbedder(): { embedder: () => Promise<QueryEmbedder>; release: () => void } {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  return { embedder: async () => ({ remote: false, embed: async () => (await held, new Float32Array([1, 0])) }), release };
}

describe('textQuery preview', () => {
  it('sends the keyword results once, before a slow answer, and the answer replaces them', async () => {
    const lib = fakeLibrary();
    const { embedder, release } = heldEmbedder();
    const order: string[] = [];
    let previewed!: () => void;
    const previewSent = new Promise<void>((r) => (previewed = r));
    const answer = textQuery('dog', 60, async () => lib, embedder, new AbortController().signal, (rows) => {
      order.push(`preview:${rows.map((r) => r.id).join(',')}`);
      previewed();
    });
    await previewSent; // the embedder is still held: the answer cannot have come
    release();
    order.push(`answer:${(await answer).map((r) => r.id).join(',')}`);
    expect(order).toEqual(['preview:1', 'answer:2,1']);
    expect(lib.previewed).toBe(1);
  });

  it('sends none when the answer comes first', async () => {
    const lib = fakeLibrary();
    const sent: ResultRow[][] = [];
    const rows = await textQuery('dog', 60, async () => lib, async () => ({ remote: false, embed: async () => new Float32Array([1, 0]) }), new AbortController().signal, (r) => sent.push(r));
    expect(rows).toEqual(ANSWER);
    // Past the preview's wait: it must have seen the answer and read nothing.
    await new Promise((r) => setTimeout(r, 250));
    expect(sent).toEqual([]);
    expect(lib.previewed).toBe(0);
  });

  it('sends none for a search cancelled before its preview', async () => {
    const lib = fakeLibrary();
    const { embedder, release } = heldEmbedder();
    const stop = new AbortController();
    const sent: ResultRow[][] = [];
    const answer = textQuery('dog', 60, async () => lib, embedder, stop.signal, (r) => sent.push(r));
    stop.abort();
    await new Promise((r) => setTimeout(r, 250));
    release();
    await answer.catch(() => undefined);
    expect(sent).toEqual([]);
    expect(lib.previewed).toBe(0);
  });
});
