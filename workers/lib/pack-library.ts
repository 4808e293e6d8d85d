// A pack opened by URL (src/pack/): a read-only library searched in place. The same forest code
// reads blocks over HTTP (PackBlockStore, opened with sketchInLeaves); keyword search reads the
// split index (src/core/text/split-search.ts: a query fetches its words' directory pages and
// postings only) and ranks as the library's lexical index does; the same fusion (ranking.ts)
// answers; rows come in pages and thumbnails one part each, when asked for.
import { DEFAULT_TEXT_SEARCH, type SearchHit } from '../../src/core/search';
import { CorruptBlockError, Forest } from '../../src/core/forest';
import { analyzeQuery, FULL_OPTIONS } from '../../src/core/text';
import { analyzeRecord } from '../../src/core/text/analyze';
import { SplitLexical, type SplitView } from '../../src/core/text/split-search';
import { partPath, ROWS_PER_PAGE, rowOffsets, rowPageJson, rowsDeflated, type ForestName, type PackRow } from '../../src/core/pack/format';
import { PackBlockStore } from '../../src/pack/pack-block-store';
import { PackSource } from '../../src/pack/pack-source';
import { inflateRaw } from '../../src/pack/inflate';
import type { StoredRow } from '../../src/core/archive/index';
import type { LibraryItem, LibraryPage, PageRequest } from '../../src/storage/library-pages';
import { AnsweredQueries, EAGER_ROWS, fuseText, pendingResult, presentHits, rankVisual, type PreparedText, type ResultRow } from './ranking';

/** Reads stay small: a query fetches the node pages, leaves and vectors it needs, never the whole forest. */
// Only each tree's root page is pinned: the others come as a descent needs them and stay cached.
export const PACK_FOREST_OPEN = { memoryBudgetBytes: 32 << 20, pinLeaves: false, sketchInLeaves: true, pinPages: 'roots' as const };
/**
 * A text query's vector half over HTTP. Each vector re-ranked is one Range request (slots lie
 * scattered over the vectors part, so neighbours rarely share one): with the default bound
 * (RERANK_BOUND) k = 100 re-ranked ~1,500 vectors at 100,000 photos, 2,000 requests through a
 * phone's six connections, and the first query passed 120 s (bench:pack). Bound 0 re-ranks the
 * best k + FIRST_EXTRA by sketch estimate (and the few whose estimate reaches the k-th exact
 * score); no early read, whose slots may drop out of the list (requests for nothing).
 */
export const PACK_TEXT_SEARCH = { rerankBound: 0, earlyRead: false } as const;
/** A forest neighbour: id and cosine. */
type ForestHit = Awaited<ReturnType<Forest['search']>>[number];

export class PackLibrary {
  private readonly forests = new Map<ForestName, Promise<Forest>>();
  private readonly pages = new Map<number, Promise<PackRow[]>>();
  private offsets: Promise<Float64Array> | undefined;
  /** The split index's view of each prepared query (its postings), for explaining the hits shown. */
  private readonly views = new WeakMap<PreparedText, SplitView>();
  /** Vector halves started early (startVector), by the query's vector. */
  private readonly early = new WeakMap<Float32Array, Promise<ForestHit[]>>();
  /** The fused hits of the last few text searches, with their view, for fillResults. */
  private readonly answered = new AnsweredQueries<SplitView>();

  /** The keyword index, opened from its head part (read at the open, beside the text forest's open). */
  private readonly lexical: Promise<SplitLexical>;

  private constructor(readonly source: PackSource) {
    this.lexical = source.part(source.manifest.lexical).then(
      (bytes) => SplitLexical.open(JSON.parse(new TextDecoder().decode(bytes)) as unknown, { part: (h) => source.part(h), ranges: (h, r) => source.byteRanges(h, r), inflate: inflateRaw }, FULL_OPTIONS),
    );
  }

  static async open(url: string, base: string): Promise<PackLibrary> {
    return PackLibrary.from(await PackSource.open(url, base));
  }

  /** A pack read through any PartReader (a library file on disk: lib/pack-file.ts). */
  static from(source: PackSource): Promise<PackLibrary> {
    return PackLibrary.start(source).ready;
  }

  /**
   * Starts the open: `pack` can take a text search at once (its keyword half waits only for the
   * keyword index's head, not for the text forest), `ready` is the whole open and its error.
   */
  static start(source: PackSource): { pack: PackLibrary; ready: Promise<PackLibrary> } {
    const pack = new PackLibrary(source);
    const lexical = pack.lexical.catch((e: unknown) => {
      throw keywordError(source, e);
    });
    // The first search should not wait for these: the rows index is read meanwhile.
    pack.rowOffsets().catch(() => {}); // a failure is told by the read that needs it
    const ready = Promise.all([lexical, pack.forest('text')]).then(() => pack);
    return { pack, ready };
  }

  get count(): number {
    return this.source.manifest.count;
  }

  /** The embedder the pack's text vectors come from: text queries must use it. */
  get embedderId(): string {
    return this.source.manifest.models.embedder;
  }

  private forest(name: ForestName): Promise<Forest> {
    let f = this.forests.get(name);
    if (!f) {
      const store = new PackBlockStore(this.source, this.source.manifest.forests[name]);
      // The block index and the open's blocks in one round of requests; the open's reads then hit memory.
      f = store.ready().then(() => Forest.open(store, PACK_FOREST_OPEN)).catch((e: unknown) => {
        this.forests.delete(name);
        if ((e as Error).name === 'PackUnreadableError') throw e;
        if (e instanceof CorruptBlockError) throw damagedBlock(this.source, name, e);
        throw this.source.error(`its ${name} index cannot be read (${(e as Error).message}). ${this.source.reader.remake}`);
      });
      this.forests.set(name, f);
    }
    return f;
  }

  /** The lexical half of a text search: fetches the query's directory pages and postings, then ranks. */
  async prepareText(query: string): Promise<PreparedText> {
    let view: SplitView;
    try {
      const lexical = await this.lexical;
      view = await lexical.prepare(analyzeQuery(query, lexical.options));
    } catch (e) {
      throw keywordError(this.source, e);
    }
    const prepared: PreparedText = { lexical: view.query, hits: view.search({ limit: DEFAULT_TEXT_SEARCH.limit }) };
    this.views.set(prepared, view);
    return prepared;
  }

  async searchText(query: string | PreparedText, vector: Float32Array | undefined, limit: number, signal?: AbortSignal): Promise<ResultRow[]> {
    const prepared = typeof query === 'string' || !this.views.has(query) ? await this.prepareText(typeof query === 'string' ? query : query.lexical.text) : query;
    const view = this.views.get(prepared)!;
    const vectorHits = vector ? await (this.early.get(vector) ?? this.vectorHits(vector)) : [];
    signal?.throwIfAborted();
    const fused = fuseText(prepared, vectorHits, limit);
    this.answered.keep(prepared.lexical.text, fused, view);
    const eager = fused.slice(0, EAGER_ROWS);
    const shown = await this.shown(eager, view);
    return [...shown, ...fused.slice(EAGER_ROWS).map(pendingResult)];
  }

  /** The keyword half's first screenful with rows (textQuery's preview, while the forest is read); not kept for fillResults. */
  async previewText(prepared: PreparedText): Promise<ResultRow[]> {
    const view = this.views.get(prepared);
    if (!view) return [];
    return this.shown(fuseText(prepared, [], EAGER_ROWS), view);
  }

  /**
   * Starts the vector half of a text search as soon as the query's vector is there, beside the
   * keyword half's reads (their two rounds of requests no longer come before the forest's);
   * searchText with the same vector takes its answer.
   */
  startVector(vector: Float32Array): void {
    if (this.early.has(vector)) return;
    const hits = this.vectorHits(vector);
    hits.catch(() => {}); // told by the searchText that awaits it
    this.early.set(vector, hits);
  }

  /** The text forest's neighbours of `vector` (none when its width is not the pack's). */
  private async vectorHits(vector: Float32Array): Promise<ForestHit[]> {
    const forest = await this.forest('text');
    if (forest.dim !== vector.length) return [];
    return forest.search(vector, DEFAULT_TEXT_SEARCH.limit, PACK_TEXT_SEARCH).catch((e: unknown) => {
      throw e instanceof CorruptBlockError ? damagedBlock(this.source, 'text', e) : e;
    });
  }

  /**
   * Results `ids` of the text search for `query` (one of the last few) with their rows: the cards
   * searchText left pending, once they scroll near. Ids it does not know (an older query) are left out.
   */
  async fillResults(query: string, ids: readonly number[]): Promise<ResultRow[]> {
    const answer = this.answered.hits(query, ids);
    if (!answer) return [];
    return this.shown(answer.hits, answer.explainer);
  }

  /** Hits with their rows (read for them) as results; reasons come from each hit's row (its analysed record), read anyway to show it. */
  private async shown(fused: readonly SearchHit[], view: SplitView): Promise<ResultRow[]> {
    const rows = await this.rows(fused.map((h) => h.id));
    const hits = fused.map((h, i) => {
      const row = rows[i];
      return h.lexicalScore === undefined || !row ? h : { ...h, reasons: view.explain(h.id, analyzeRecord(row.record, view.options.analyzer)) };
    });
    return presentHits(hits, rows);
  }

  async searchVisual(vector: Float32Array, limit: number, excludeId?: number): Promise<ResultRow[]> {
    const hits = await (await this.forest('visual')).search(vector, limit + 1);
    return this.present(rankVisual(hits, limit, excludeId));
  }

  async visualVectorOf(id: number): Promise<Float32Array | undefined> {
    const [row] = await (await this.forest('visual')).vectorsOf([id]);
    return row && Float32Array.from(row.code, (c) => c * row.scale);
  }

  async rows(ids: readonly number[]): Promise<(PackRow | undefined)[]> {
    const need = [...new Set(ids.filter((id) => this.has(id)).map((id) => Math.floor((id - 1) / ROWS_PER_PAGE)))];
    this.loadPages(need.filter((p) => !this.pages.has(p)));
    const pages = new Map(await Promise.all(need.map(async (p) => [p, await this.pages.get(p)!] as const)));
    return ids.map((id) => (this.has(id) ? pages.get(Math.floor((id - 1) / ROWS_PER_PAGE))![(id - 1) % ROWS_PER_PAGE] : undefined));
  }

  async row(id: number): Promise<PackRow | undefined> {
    return (await this.rows([id]))[0];
  }

  async thumb(id: number): Promise<Blob | undefined> {
    const row = await this.row(id);
    return row && new Blob([(await this.thumbBytes(row)) as Uint8Array<ArrayBuffer>], { type: 'image/webp' });
  }

  thumbBytes(row: PackRow): Promise<Uint8Array> {
    return this.source.part(row.thumb);
  }

  /**
   * Both vectors of each photo as the pack's forests hold them (unit length, int8): what an import
   * stores. The pack keeps no other length, so a vector's scale is its unit scale.
   */
  async storedVectors(ids: readonly number[]): Promise<(Record<ForestName, StoredRow> | undefined)[]> {
    const [text, visual] = await Promise.all([this.forest('text'), this.forest('visual')].map(async (f) => (await f).vectorsOf(ids)));
    const row = (v: { code: Int8Array; scale: number } | undefined): StoredRow | undefined => v && { codes: v.code, scale: v.scale, unitScale: v.scale };
    return ids.map((_, k) => {
      const t = row(text![k]), v = row(visual![k]);
      return t && v ? { text: t, visual: v } : undefined;
    });
  }

  /** Newest (highest id) first, as the library's own grid. */
  async listPage({ before, limit }: PageRequest): Promise<LibraryPage> {
    const top = Math.min(before === undefined ? this.count : before - 1, this.count);
    const ids = Array.from({ length: Math.max(0, Math.min(limit, top)) }, (_, k) => top - k);
    const last = ids[ids.length - 1];
    return { items: await this.items(ids), ...(last !== undefined && last > 1 ? { next: last } : {}) };
  }

  async items(ids: readonly number[]): Promise<LibraryItem[]> {
    return (await this.rows(ids)).filter((r) => r !== undefined).map((r) => ({ id: r.id, name: r.name, caption: r.record.captions[0] ?? '' }));
  }

  private has(id: number): boolean {
    return Number.isInteger(id) && id >= 1 && id <= this.count;
  }

  /** Byte offsets of the row pages in the rows part (its index, read whole once). */
  private rowOffsets(): Promise<Float64Array> {
    const { index, pages } = this.source.manifest.rows;
    this.offsets ??= this.source.part(index).then(
      async (b) => {
        try {
          return rowOffsets(this.deflatedRows ? await inflateRaw(b) : b, pages);
        } catch (e) {
          throw this.source.error(`its rows index ${partPath(index)} does not add up (${(e as Error).message}). ${this.source.reader.remake}`);
        }
      },
      (e: unknown) => {
        this.offsets = undefined; // a later call may succeed (network back)
        throw e;
      },
    );
    return this.offsets;
  }

  /** Row pages by Range from the rows part, all asked at once (neighbours in one request), each checked against its checksum. */
  private async pageParts(pages: readonly number[]): Promise<Uint8Array[]> {
    const at = await this.rowOffsets();
    const { part } = this.source.manifest.rows;
    const got = await this.source.byteRanges(part, pages.map((p) => [at[p]!, at[p + 1]!] as const));
    return Promise.all(
      got.map(async (b, i) => {
        const json = rowPageJson(b);
        if (!json) throw this.source.error(`its row page ${pages[i]} in ${partPath(part)} fails its checksum (damaged, or changed while being read). ${this.source.reader.again}`);
        if (!this.deflatedRows) return json;
        // The checksum passed, so a page that does not inflate was written wrong: not a damaged read.
        return inflateRaw(json).catch((e: unknown) => {
          throw this.source.error(`its row page ${pages[i]} in ${partPath(part)} cannot be read (${(e as Error).message}). ${this.source.reader.remake}`);
        });
      }),
    );
  }

  /** Format 7 on: row pages and the rows index are deflated. */
  private get deflatedRows(): boolean {
    return rowsDeflated(this.source.manifest.version);
  }

  /** Starts reading `pages` (one batch of ranges for all of them); each is kept once asked. */
  private loadPages(pages: readonly number[]): void {
    if (pages.length === 0) return;
    const batch = this.pageParts(pages);
    pages.forEach((p, i) => {
      const page = batch.then((parts) => JSON.parse(new TextDecoder().decode(parts[i])) as PackRow[]);
      page.catch(() => this.pages.delete(p)); // a later call may succeed (network back)
      this.pages.set(p, page);
    });
  }

  private async present(hits: Parameters<typeof presentHits>[0]): Promise<ResultRow[]> {
    return presentHits(hits, await this.rows(hits.map((h) => h.id)));
  }
}

/** A forest block failing its checks, read by Range from the pack: the pack is damaged (not the person's own index). */
function damagedBlock(source: PackSource, name: ForestName, e: CorruptBlockError): Error {
  return source.error(`its ${name} index block ${e.key} in ${partPath(source.manifest.forests[name].blocks.part)} fails its checksum (damaged, or changed while being read). ${source.reader.again}`);
}

/** A keyword index that cannot be read, as the PackError naming the pack (one already is one). */
function keywordError(source: PackSource, e: unknown): Error {
  if ((e as Error).name === 'PackUnreadableError') return e as Error;
  return source.error(`its keyword index cannot be read (${(e as Error).message}). ${source.reader.remake}`);
}
