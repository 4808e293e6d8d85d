// The image library as the worker sees it: rows in IndexedDB, two forests (text, visual) and an
// in-memory lexical index rebuilt from the stored records when the library opens.
import { quantizeVector } from '../../src/core/forest/vector-math';
import { describeMatch, DEFAULT_IMAGE_SEARCH, DEFAULT_TEXT_SEARCH, fuseTextSearch, rankSimilar, type MatchSummary, type SearchHit } from '../../src/core/search';
import { FULL_OPTIONS, LexicalIndex } from '../../src/core/text';
import * as store from '../../src/storage/library-store';
import type { ImageRow, VectorRow } from '../../src/storage/rows';
import type { PreparedImage } from './analyze-image';
import { ForestSlot } from './forest-slot';

export interface ResultRow {
  id: number;
  name: string;
  score: number;
  caption: string;
  summary: MatchSummary;
}

function quantize(v: Float32Array): { codes: Int8Array; scale: number } {
  const codes = new Int8Array(v.length);
  return { codes, scale: quantizeVector(v, codes, 0) };
}

function dequantize(codes: Int8Array, scale: number): Float32Array {
  return Float32Array.from(codes, (c) => c * scale);
}

export class Library {
  private constructor(
    readonly db: store.GlimpseDB,
    private readonly text: ForestSlot,
    private readonly visual: ForestSlot,
    private readonly lexical: LexicalIndex,
    private nextId: number,
  ) {}

  /** Writes one at a time: each stages forest changes that its own transaction must carry alone. */
  private tail: Promise<unknown> = Promise.resolve();
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  static async open(name?: string): Promise<Library> {
    const db = await store.openGlimpseDB(name);
    const text = new ForestSlot(db, 'text');
    const visual = new ForestSlot(db, 'visual');
    await Promise.all([text.open(), visual.open()]);
    const lexical = new LexicalIndex(FULL_OPTIONS);
    for (const row of await store.allRows(db)) lexical.add(row.id, row.record);
    return new Library(db, text, visual, lexical, await store.nextImageId(db));
  }

  count(): Promise<number> {
    return store.countImages(this.db);
  }

  async isKnown(sha256: string): Promise<boolean> {
    return (await store.findBySha(this.db, sha256)) !== undefined;
  }

  /** Writes one analysed image: row, thumbnail, vectors and both forests' changes in one transaction. */
  commit(p: PreparedImage): Promise<number> {
    return this.exclusive(() => this.commitNow(p));
  }

  private async commitNow(p: PreparedImage): Promise<number> {
    const id = this.nextId;
    const row: ImageRow = {
      id,
      sha256: p.sha256,
      name: p.meta.name,
      path: p.meta.path,
      size: p.size,
      type: p.meta.type,
      width: p.width,
      height: p.height,
      addedAt: Date.now(),
      takenAt: p.meta.lastModified,
      record: p.record,
    };
    const t = quantize(p.textVector);
    const v = quantize(p.visualVector);
    const vectors: VectorRow = { text: t.codes, textScale: t.scale, visual: v.codes, visualScale: v.scale };
    try {
      await this.text.stageAdd(id, p.textVector);
      await this.visual.stageAdd(id, p.visualVector);
      await store.commitImage(this.db, row, p.thumb, vectors, [this.text.take(), this.visual.take()]);
    } catch (e) {
      await Promise.all([this.text.reload(), this.visual.reload()]);
      throw e;
    }
    this.nextId++;
    this.lexical.add(id, p.record);
    return id;
  }

  /** Re-analysed image `id` (other models, more captions): new record and text vector, same row.
   *  `keepVisual` keeps the stored visual vector (same captioner: it came from the full-size file). */
  replace(id: number, p: PreparedImage, keepVisual: boolean): Promise<void> {
    return this.exclusive(() => this.replaceNow(id, p, keepVisual));
  }

  private async replaceNow(id: number, p: PreparedImage, keepVisual: boolean): Promise<void> {
    const [row, old] = await Promise.all([this.row(id), store.vectorsById(this.db, id)]);
    if (!row) return; // removed meanwhile
    const t = quantize(p.textVector);
    const v = keepVisual && old ? { codes: old.visual, scale: old.visualScale } : quantize(p.visualVector);
    try {
      await this.text.stageReplace(id, p.textVector);
      if (!(keepVisual && old)) await this.visual.stageReplace(id, p.visualVector);
      const vectors: VectorRow = { text: t.codes, textScale: t.scale, visual: v.codes, visualScale: v.scale };
      await store.commitImage(this.db, { ...row, record: p.record }, undefined, vectors, [this.text.take(), this.visual.take()]);
    } catch (e) {
      await Promise.all([this.text.reload(), this.visual.reload()]);
      throw e;
    }
    await Promise.all([this.text.committed(), this.visual.committed()]);
    this.lexical.add(id, p.record);
  }

  remove(ids: number[]): Promise<void> {
    return this.exclusive(() => this.removeNow(ids));
  }

  private async removeNow(ids: number[]): Promise<void> {
    try {
      await this.text.stageDelete(ids);
      await this.visual.stageDelete(ids);
      await store.commitRemoval(this.db, ids, [this.text.take(), this.visual.take()]);
    } catch (e) {
      await Promise.all([this.text.reload(), this.visual.reload()]);
      throw e;
    }
    for (const id of ids) this.lexical.remove(id);
  }

  /** Text query: the forest's cosine neighbours fused with the lexical ranking. */
  async searchText(query: string, vector: Float32Array | undefined, limit: number): Promise<ResultRow[]> {
    const vectorHits = vector ? await this.text.search(vector, DEFAULT_TEXT_SEARCH.limit) : [];
    const lexicalHits = this.lexical.search(query, { limit: DEFAULT_TEXT_SEARCH.limit });
    return this.present(fuseTextSearch(vectorHits, lexicalHits, { ...DEFAULT_TEXT_SEARCH, limit }));
  }

  async searchVisual(vector: Float32Array, limit: number, excludeId?: number): Promise<ResultRow[]> {
    const hits = await this.visual.search(vector, limit + 1);
    return this.present(rankSimilar(hits, { ...DEFAULT_IMAGE_SEARCH, limit, excludeId }));
  }

  async visualVectorOf(id: number): Promise<Float32Array | undefined> {
    const v = await store.vectorsById(this.db, id);
    return v && dequantize(v.visual, v.visualScale);
  }

  row(id: number): Promise<ImageRow | undefined> {
    return store.rowsByIds(this.db, [id]).then((r) => r[0]);
  }

  thumb(id: number): Promise<Blob | undefined> {
    return store.thumbById(this.db, id);
  }

  private async present(hits: SearchHit[]): Promise<ResultRow[]> {
    const rows = await store.rowsByIds(this.db, hits.map((h) => h.id));
    const out: ResultRow[] = [];
    hits.forEach((hit, i) => {
      const row = rows[i];
      if (!row) return; // deleted between search and read
      out.push({ id: hit.id, name: row.name, score: hit.score, caption: row.record.captions[0] ?? '', summary: describeMatch(hit, row.record) });
    });
    return out;
  }
}
