// The image library as the worker sees it: rows in IndexedDB, two forests (text, visual) and an
// in-memory lexical index, loaded from its snapshot (reconciled with the rows) when the library
// opens and saved again lazily after changes. Other tabs may write the same database: writes run
// under a cross-tab lock and first catch up (refresh).
import { GlimpseError } from '../../src/core/errors';
import { vectorRoomBytes, type SearchHit as ForestHit, type SearchOptions } from '../../src/core/forest';
import { DEFAULT_TEXT_SEARCH, type SearchHit } from '../../src/core/search';
import { FULL_OPTIONS, type LexicalIndex, type LexicalQuery } from '../../src/core/text';
import { convertBlobs, type Conversion } from '../../src/storage/convert-blobs';
import { loadLexicalIndex, SnapshotWriter } from '../../src/storage/lexical-store';
import { commitImages, knownShas } from '../../src/storage/archive-store';
import * as store from '../../src/storage/library-store';
import type { ImageRow, VectorRow } from '../../src/storage/rows';
import type { PreparedImage } from './analyze-image';
import { dequantize, forestVector, imageRow, quantize, stageImported, type ImportItem } from './library-rows';
import { deviceMemory, ForestSlot } from './forest-slot';
import { markFirst } from './search-warmup';
import type { StepClock } from './search-steps';
import { LexicalWarmer } from './lexical-warm';
import { READ_AHEAD, RowReads } from './row-reads';
import { AnsweredQueries, EAGER_ROWS, explainHits, fuseText, pendingResult, prepareText, presentHits, rankVisual, type PreparedText, type ResultRow } from './ranking';
import { announce, exclusive, shared, takeReplaced } from './tab-sync';

export type { PreparedText, ResultRow };

export class Library {
  /** Saves the lexical index's snapshot some seconds after changes (a write per commit would cost too much at 100k). */
  private readonly snapshots: SnapshotWriter;
  /** The visual forest opens on first use: a text search never needs it. */
  private visualOpened: Promise<void> | undefined;

  private constructor(
    readonly db: store.GlimpseDB,
    private readonly text: ForestSlot,
    private readonly visual: ForestSlot,
    private readonly lexical: LexicalIndex,
    private nextId: number,
    /** The stored write generation this in-memory state reflects. */
    private generation: number,
  ) {
    // Snapshots are written as the writer: never between a commit and its words reaching the index.
    this.snapshots = new SnapshotWriter(db, () => ({ index: this.lexical, nextId: this.nextId }), undefined, (write) => this.writing(write));
    text.reread = visual.reread = () => this.whileNoTabWrites(() => this.refresh());
  }

  /** Rewrites a library from before schema v4 (Blobs) as bytes, after the open; readers take both
   *  forms meanwhile. A failure is logged and left for the next open. */
  converted: Promise<Conversion | undefined> = Promise.resolve(undefined);

  /** Serialises this worker's catch-ups (two shared-lock holders could otherwise refresh at once). */
  private syncTail: Promise<void> = Promise.resolve();

  /**
   * True once this state can no longer be trusted or used: the browser closed the database (it does
   * after a write fails on a full disk), or a failed write's staged forest changes could not be
   * dropped by re-reading. The worker then opens the library again.
   */
  unusable = false;

  static async open(name?: string): Promise<Library> {
    const db = await store.openGlimpseDB(name);
    markFirst('db-open');
    // Read first: a write landing during the reads below then only makes the state look stale.
    const generation = await store.readGeneration(db);
    // The text forest's vectors may stay in memory where the device has it (warm text searches re-rank from there).
    const text = new ForestSlot(db, 'text', vectorRoomBytes(deviceMemory()));
    const visual = new ForestSlot(db, 'visual');
    const reads = Promise.all([
      loadLexicalIndex(db, FULL_OPTIONS).finally(() => markFirst('lexical-loaded')),
      store.nextImageId(db),
      text.open().finally(() => markFirst('text-forest-open')),
    ]);
    const [lexical, nextId] = await reads;
    // An id the snapshot knew may be gone from the rows but still in its postings: never reuse it.
    const library = new Library(db, text, visual, lexical.index, Math.max(nextId, lexical.nextId), generation);
    if (lexical.stale) library.snapshots.markDirty();
    library.converted = convertBlobs(db).catch((e: unknown) => {
      console.warn('Glimpse: stored photos not yet rewritten as bytes; next open tries again.', e);
      return undefined;
    });
    // 'close' fires only when the browser closes the connection (not on db.close()).
    db.addEventListener('close', () => (library.unusable = true));
    return library;
  }

  /** Saves a pending snapshot, then closes the database. */
  async close(): Promise<void> {
    await this.converted;
    await this.snapshots.flush();
    this.snapshots.close();
    this.db.close();
  }

  count(): Promise<number> {
    return store.countImages(this.db);
  }

  async isKnown(sha256: string): Promise<boolean> {
    return (await store.findBySha(this.db, sha256)) !== undefined;
  }

  /**
   * Writes one analysed image: row, thumbnail, vectors, file handle and both forests' changes in one transaction,
   * which also takes the image's item (`dequeue`) off the indexing queue.
   * Rejects with 'DuplicateImageError' when another tab added the same file meanwhile.
   */
  async commit(p: PreparedImage, dequeue?: number): Promise<number> {
    const t = quantize(p.textVector);
    const v = quantize(p.visualVector);
    const vectors: VectorRow = { text: t.codes, textScale: t.scale, visual: v.codes, visualScale: v.scale };
    const id = await this.writing(async () => {
      if (await this.isKnown(p.sha256)) throw new GlimpseError('DuplicateImageError', `${p.meta.name} is already in the library.`);
      const id = this.nextId;
      const row = imageRow(id, p);
      await this.openVisual();
      try {
        await this.text.stageAdd(id, forestVector(t.codes));
        await this.visual.stageAdd(id, forestVector(v.codes));
        this.generation = await store.commitImage(this.db, row, p.thumb, vectors, [this.text.take(), this.visual.take()], p.meta.handle, dequeue);
      } catch (e) {
        return this.undo(e);
      }
      this.nextId++;
      this.lexical.add(id, p.record);
      this.snapshots.markDirty();
      return id;
    });
    announce('added', [id]);
    return id;
  }

  /**
   * Writes a batch of imported photos in one transaction: rows, thumbnails, vectors and both
   * forests' changes. Photos the library already holds (by SHA-256, read under the write lock) are
   * skipped. Returns the new ids and how many were already there.
   */
  async importBatch(items: readonly ImportItem[]): Promise<{ ids: number[]; known: number }> {
    const result = await this.writing(async () => {
      const known = await knownShas(this.db, items.map((i) => i.row.sha256));
      const fresh = items.filter((i) => !known.has(i.row.sha256));
      if (fresh.length === 0) return { ids: [], known: items.length };
      await this.openVisual();
      const ids = fresh.map((_, k) => this.nextId + k);
      try {
        await stageImported(this.text, ids, fresh.map((f) => f.text));
        await stageImported(this.visual, ids, fresh.map((f) => f.visual));
        const images = fresh.map((f, k) => ({ row: { ...f.row, id: ids[k]! }, thumb: f.thumb, vectors: f.vectors }));
        this.generation = await commitImages(this.db, images, [this.text.take(), this.visual.take()]);
      } catch (e) {
        await Promise.all([this.text.reload(), this.visual.reload()]);
        throw e;
      }
      this.nextId += fresh.length;
      fresh.forEach((f, k) => this.lexical.add(ids[k]!, f.row.record));
      this.snapshots.markDirty();
      await Promise.all([this.text.committed(), this.visual.committed()]);
      return { ids, known: items.length - fresh.length };
    });
    if (result.ids.length > 0) announce('added', result.ids);
    return result;
  }

  /** Re-analysed image `id` (other models, more captions, text read): new record and text vector, same row.
   *  `keepVisual` keeps the stored visual vector (same captioner: it came from the full-size file);
   *  `thumb`, when given, replaces the stored thumbnail. */
  async replace(id: number, p: PreparedImage, keepVisual: boolean, thumb?: Blob): Promise<void> {
    const done = await this.writing(async () => {
      const [row, old] = await Promise.all([this.row(id), store.vectorsById(this.db, id)]);
      if (!row) return false; // removed meanwhile
      await this.openVisual();
      const t = quantize(p.textVector);
      const v = keepVisual && old ? { codes: old.visual, scale: old.visualScale } : quantize(p.visualVector);
      try {
        await this.text.stageReplace(id, forestVector(t.codes));
        if (!(keepVisual && old)) await this.visual.stageReplace(id, forestVector(v.codes));
        const vectors: VectorRow = { text: t.codes, textScale: t.scale, visual: v.codes, visualScale: v.scale };
        // A row from before perceptual hashes takes the new analysis's (same image).
        const hashed = row.phash === undefined && p.phash ? { phash: p.phash } : {};
        this.generation = await store.commitImage(this.db, { ...row, ...hashed, record: p.record }, thumb, vectors, [this.text.take(), this.visual.take()]);
      } catch (e) {
        return this.undo(e);
      }
      // Into the index before anything else can run: a snapshot taken now must hold the new words.
      this.lexical.add(id, p.record);
      this.snapshots.markDirty();
      await Promise.all([this.text.committed(), this.visual.committed()]);
      return true;
    });
    if (done) announce('replaced', [id]);
  }

  /** Removes images; ids another tab already removed are skipped. */
  async remove(ids: number[]): Promise<void> {
    const removed = await this.writing(async () => {
      const present = ids.filter((id) => this.lexical.has(id));
      if (present.length === 0) return present;
      await this.openVisual();
      try {
        await this.text.stageDelete(present);
        await this.visual.stageDelete(present);
        this.generation = await store.commitRemoval(this.db, present, [this.text.take(), this.visual.take()]);
      } catch (e) {
        return this.undo(e);
      }
      for (const id of present) this.lexical.remove(id);
      this.snapshots.markDirty();
      return present;
    });
    if (removed.length > 0) announce('removed', removed);
  }

  /** Removes every image in one transaction (see store.commitClear): any size costs the same. */
  async clear(): Promise<void> {
    const removed = await this.writing(async () => {
      try {
        const { ids, generation } = await store.commitClear(this.db, [this.text.name, this.visual.name]);
        this.generation = generation;
        this.lexical.clear();
        this.snapshots.markDirty();
        return ids;
      } finally {
        // Cleared or not, re-read what is stored: no forest now, until the next image makes one.
        await Promise.all([this.text.reload(), this.visual.reload()]).catch(() => (this.unusable = true));
      }
    });
    if (removed.length > 0) announce('removed', removed);
  }

  /**
   * Catches up with what other tabs wrote: both forests re-read from storage (cached blocks
   * dropped), the next id, and the lexical index (rows it lacks added, removed ones dropped).
   * Call while no tab writes: under the write lock (shared is enough).
   */
  async refresh(): Promise<void> {
    const generation = await store.readGeneration(this.db);
    await Promise.all([this.text.reload(), this.visual.reload()]);
    const ids = await store.imageIds(this.db);
    const stored = new Set(ids);
    for (const id of this.lexical.ids()) if (!stored.has(id)) this.lexical.remove(id);
    const missing = [...ids.filter((id) => !this.lexical.has(id)), ...takeReplaced().filter((id) => stored.has(id))];
    for (const row of await store.rowsByIds(this.db, missing)) if (row) this.lexical.add(row.id, row.record);
    // Never lower: an id removed elsewhere may still be on screen in some tab.
    this.nextId = Math.max(this.nextId, await store.nextImageId(this.db));
    this.generation = generation;
  }

  /** Before reads: refreshes if another tab wrote since this state was read. */
  sync(): Promise<void> {
    return this.whileNoTabWrites(() => this.catchUp());
  }

  /** Runs a catch-up under the shared lock, one at a time in this worker. */
  private whileNoTabWrites(fn: () => Promise<void>): Promise<void> {
    const run = this.syncTail.then(() => shared(fn));
    this.syncTail = run.catch(() => undefined);
    return run;
  }

  private async catchUp(): Promise<void> {
    if ((await store.readGeneration(this.db)) !== this.generation) await this.refresh();
  }

  /** After a failed write: the forests drop what was staged and re-read what is stored; then `e` is thrown
   *  (never the re-read's own failure, which leaves this state unusable instead). */
  private async undo(e: unknown): Promise<never> {
    await Promise.all([this.text.reload(), this.visual.reload()]).catch(() => (this.unusable = true));
    throw e;
  }

  /** Runs a write as the only writer across tabs, on state brought up to date first. */
  private writing<T>(fn: () => Promise<T>): Promise<T> {
    return exclusive(async () => {
      await this.catchUp();
      return fn();
    });
  }

  /** Forests written by an older build, waiting for upgradeForests (not searched meanwhile). */
  async outdatedForests(): Promise<number> {
    await this.openVisual();
    return [this.text, this.visual].filter((f) => f.outdated).length;
  }

  /**
   * Rewrites forests stored in an older block format in the current one, from their own vectors
   * (the background pass, after an update of the app). As the only writer: indexing waits for it.
   * `onProgress`: trees done of all the trees to build. Returns how many forests were rewritten.
   */
  async upgradeForests(signal?: AbortSignal, onProgress?: (p: { done: number; total: number }) => void): Promise<number> {
    await this.openVisual();
    return this.writing(async () => {
      const slots = [this.text, this.visual].filter((f) => f.outdated);
      let upgraded = 0;
      for (const [i, slot] of slots.entries()) {
        const control = { signal, onProgress: (done: number, trees: number) => onProgress?.({ done: i * trees + done, total: slots.length * trees }) };
        if (await slot.upgrade(control)) upgraded++;
      }
      return upgraded;
    });
  }

  /** The lexical ranking of a text query. Needs no model: run it while the embedder loads. */
  prepareText(query: string): PreparedText {
    const prepared = prepareText(this.lexical, query);
    const reads = new RowReads((ids) => store.rowsByIds(this.db, ids));
    reads.want(prepared.hits.slice(0, READ_AHEAD).map((h) => h.id));
    this.rowReads.set(prepared, reads);
    return prepared;
  }

  /** Each prepared query's rows, read ahead (row-reads.ts). */
  private readonly rowReads = new WeakMap<PreparedText, RowReads>();

  /** Text query: the forest's cosine neighbours fused with the lexical ranking. A query the next
   *  keystroke superseded (`signal` aborted) stops between its steps, leaving the worker to that one. */
  async searchText(query: string | PreparedText, vector: Float32Array | undefined, limit: number, signal?: AbortSignal, clock?: StepClock): Promise<ResultRow[]> {
    const prepared = typeof query === 'string' ? this.prepareText(query) : query;
    signal?.throwIfAborted();
    let t = clock?.since() ?? 0;
    const reads = this.rowReads.get(prepared) ?? new RowReads((ids) => store.rowsByIds(this.db, ids));
    const vectorHits = vector ? await this.text.search(vector, DEFAULT_TEXT_SEARCH.limit, clock && { trace: clock.forestTrace }) : [];
    if (clock) [clock.steps.forest, t] = [clock.since() - t, clock.since()];
    signal?.throwIfAborted();
    reads.want(vectorHits.slice(0, READ_AHEAD).map((h) => h.id));
    const fused = fuseText(prepared, vectorHits, limit);
    this.answered.keep(prepared.lexical.text, fused, prepared.lexical);
    const eager = explainHits(this.lexical, prepared.lexical, fused.slice(0, EAGER_ROWS));
    if (clock) [clock.steps.fuse, t] = [clock.since() - t, clock.since()];
    signal?.throwIfAborted();
    const rows = presentHits(eager, await reads.rows(eager.map((h) => h.id)));
    if (clock) clock.steps.rows = clock.since() - t;
    this.lexicalWarmer.start(this.lexical);
    return [...rows, ...fused.slice(EAGER_ROWS).map(pendingResult)];
  }

  /**
   * Results `ids` of the text search for `query` (one of the last few) with their rows and reasons:
   * the cards searchText left pending, once they scroll near. Ids it does not know (an older query)
   * and photos deleted since are left out.
   */
  async fillResults(query: string, ids: readonly number[]): Promise<ResultRow[]> {
    const answer = this.answered.hits(query, ids);
    if (!answer) return [];
    return presentHits(explainHits(this.lexical, answer.explainer, answer.hits), await store.rowsByIds(this.db, answer.hits.map((h) => h.id)));
  }

  /** Fills the lexical index's kept scores after each text search (lexical-warm.ts). */
  private readonly lexicalWarmer = new LexicalWarmer();

  /** The fused hits of the last few text searches, with their analysed query, for fillResults. */
  private readonly answered = new AnsweredQueries<LexicalQuery>();

  /** Test hook: the text forest's warm pass over its stored vectors (ForestSlot.probeVectorWarm). */
  probeTextVectorWarm(): Promise<{ kept: number; live: number }> {
    return this.text.probeVectorWarm();
  }

  async searchVisual(vector: Float32Array, limit: number, excludeId?: number): Promise<ResultRow[]> {
    await this.openVisual();
    const hits = await this.visual.search(vector, limit + 1);
    return this.present(rankVisual(hits, limit, excludeId));
  }

  /** k nearest of `vector` in one space's forest (the map's and the near-duplicate finder's graph). */
  async nearest(space: 'visual' | 'text', vector: Float32Array, k: number, options: SearchOptions = {}): Promise<ForestHit[]> {
    if (space === 'visual') await this.openVisual();
    return (space === 'visual' ? this.visual : this.text).search(vector, k, options);
  }

  /** The dimension of one space's forest (undefined while it holds nothing). */
  async forestDim(space: 'visual' | 'text'): Promise<number | undefined> {
    if (space === 'visual') await this.openVisual();
    return (space === 'visual' ? this.visual : this.text).dim;
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

  /** Before any use of the visual forest (an unopened slot would start a new, empty forest). */
  private openVisual(): Promise<void> {
    this.visualOpened ??= this.visual.open().catch((e: unknown) => {
      this.visualOpened = undefined;
      throw e;
    });
    return this.visualOpened;
  }

  private async present(hits: SearchHit[]): Promise<ResultRow[]> {
    return presentHits(hits, await store.rowsByIds(this.db, hits.map((h) => h.id)));
  }
}
