// The lexical index persisted as a snapshot in the `meta` store, so opening the library does not
// read every image row and analyse its text again. The rows stay the truth: at open the snapshot
// is reconciled with the `images` keys (ids added since are read and analysed, ids gone are
// dropped), and a missing, old or damaged snapshot means one rebuild from the rows.
// Writes are lazy (see SnapshotWriter): at 100k images a snapshot is tens of MB.
import { fromSnapshot, LexicalIndex, toSnapshot, type LexicalOptions, type LexicalSnapshot } from '../core/text';
import type { GlimpseDB } from './db';

export const LEXICAL_META_KEY = 'lexical-index';
/** Past this many rows missing from the snapshot, read all rows at once rather than each. */
const BULK_READ = 2_000;

/** The `meta` row's value. */
interface StoredLexical {
  readonly snapshot: LexicalSnapshot;
  /** The library's next image id when saved: ids the snapshot knew are never handed out again. */
  readonly nextId: number;
}

export interface LoadedLexical {
  index: LexicalIndex;
  /** From the snapshot (0 when there was none). */
  nextId: number;
  source: 'snapshot' | 'rebuilt';
  /** Rows added to / ids dropped from the snapshot by reconciling. */
  added: number;
  dropped: number;
  /** The stored snapshot no longer matches the index: save it again. */
  stale: boolean;
}

/** Images re-described since the snapshot was saved (written by commitImage): their words changed, not their ids. */
export const LEXICAL_REPLACED_KEY = 'lexical-replaced';

/** Saves the snapshot; it holds every re-description so far, so the list of those is emptied with it. */
export async function writeLexicalSnapshot(db: GlimpseDB, snapshot: LexicalSnapshot, nextId: number): Promise<void> {
  const value: StoredLexical = { snapshot, nextId };
  const tx = db.transaction('meta', 'readwrite');
  await Promise.all([tx.store.put({ key: LEXICAL_META_KEY, value }), tx.store.delete(LEXICAL_REPLACED_KEY), tx.done]);
}

export async function deleteLexicalSnapshot(db: GlimpseDB): Promise<void> {
  await db.delete('meta', LEXICAL_META_KEY);
}

function rebuild(db: GlimpseDB, options: LexicalOptions): Promise<LexicalIndex> {
  return db.getAll('images').then((rows) => {
    const index = new LexicalIndex(options);
    for (const row of rows) index.add(row.id, row.record);
    return index;
  });
}

/** The index from the snapshot, reconciled with the stored rows; or rebuilt from the rows. */
export async function loadLexicalIndex(db: GlimpseDB, options: LexicalOptions): Promise<LoadedLexical> {
  const [meta, keys, replacedRow] = await Promise.all([db.get('meta', LEXICAL_META_KEY), db.getAllKeys('images'), db.get('meta', LEXICAL_REPLACED_KEY)]);
  const stored = meta?.value as Partial<StoredLexical> | undefined;
  let index: LexicalIndex | undefined;
  try {
    index = stored ? fromSnapshot(stored.snapshot, options) : undefined;
  } catch (e) {
    if ((e as Error).name !== 'StaleIndexError') throw e;
  }
  if (!index) return { index: await rebuild(db, options), nextId: 0, source: 'rebuilt', added: 0, dropped: 0, stale: true };

  const known = new Set(keys);
  let dropped = 0;
  for (const id of index.ids()) if (!known.has(id) && index.remove(id)) dropped++;
  const replaced = Array.isArray(replacedRow?.value) ? (replacedRow.value as unknown[]).filter((id): id is number => typeof id === 'number' && known.has(id)) : [];
  const missing = [...keys.filter((id) => !index.has(id)), ...replaced];
  if (missing.length > 0) {
    // A few rows one by one; many (a snapshot far behind) in one bulk read.
    const tx = db.transaction('images', 'readonly');
    const rows =
      missing.length > BULK_READ
        ? (await tx.store.getAll()).filter((r) => !index.has(r.id) || replaced.includes(r.id))
        : await Promise.all(missing.map((id) => tx.store.get(id)));
    for (const row of rows) if (row) index.add(row.id, row.record);
  }
  const nextId = typeof stored?.nextId === 'number' && Number.isInteger(stored.nextId) ? stored.nextId : 0;
  return { index, nextId, source: 'snapshot', added: missing.length, dropped, stale: missing.length + dropped > 0 };
}

export interface WriterTiming {
  /** Write once changes have stopped for this long... */
  readonly quietMs: number;
  /** ...but no later than this after the first unsaved change (indexing never pauses for long). */
  readonly maxWaitMs: number;
  /** And at least this many times the last write's cost apart, so big libraries write less often. */
  readonly costFactor: number;
}

export const DEFAULT_WRITER_TIMING: WriterTiming = { quietMs: 2_000, maxWaitMs: 15_000, costFactor: 50 };

/**
 * Saves the snapshot lazily: after a quiet spell, or at the latest maxWaitMs after the first
 * unsaved change, never more often than costFactor x the last write's cost. A write that fails
 * (database closed, quota) is dropped: the next open reconciles from the rows.
 */
export class SnapshotWriter {
  private dirtySince: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastCostMs = 0;
  private lastWriteAt = -Infinity;
  private writing: Promise<void> | undefined;
  private closed = false;

  /**
   * `guard` runs each write as the library's writer (its write lock): a snapshot taken while a
   * re-description's commit is in flight would hold the old words yet clear the list of
   * re-described ids the commit just wrote, so a reload before the next snapshot lost those words.
   */
  constructor(
    private readonly db: GlimpseDB,
    private readonly take: () => { index: LexicalIndex; nextId: number },
    private readonly timing: WriterTiming = DEFAULT_WRITER_TIMING,
    private readonly guard: (write: () => Promise<void>) => Promise<void> = (write) => write(),
  ) {}

  get dirty(): boolean {
    return this.dirtySince !== undefined;
  }

  /** Something changed: schedule a write. */
  markDirty(): void {
    if (this.closed) return;
    const now = Date.now();
    this.dirtySince ??= now;
    const { quietMs, maxWaitMs, costFactor } = this.timing;
    const due = Math.max(Math.min(now + quietMs, this.dirtySince + maxWaitMs), this.lastWriteAt + costFactor * this.lastCostMs);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), Math.max(0, due - now));
  }

  /** Writes now if anything is unsaved; resolves when stored (or dropped). */
  async flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await this.writing;
    if (this.dirtySince === undefined) return;
    this.dirtySince = undefined;
    let t0 = Date.now();
    this.writing = this.guard(() => {
      t0 = Date.now();
      const { index, nextId } = this.take();
      return writeLexicalSnapshot(this.db, toSnapshot(index), nextId);
    })
      .then(
        () => {
          this.lastCostMs = Date.now() - t0;
          this.lastWriteAt = Date.now();
        },
        () => {},
      )
      .finally(() => (this.writing = undefined));
    await this.writing;
  }

  /** Stops writing (pending changes are not saved). */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
