// Browsing without a query: the newest photos a page at a time. The grid never asks for the whole
// library; after the first page it follows what any tab announces (added and re-described images
// are read by id, removed ones dropped), so a change costs a few rows, not a re-list.
import { libraryItems, listLibraryPage, onLibraryChange } from '../bridge/bridge';
import { appendPage, dropItems, EMPTY, inRange, upsertItems, type Loaded } from './browse-pages';
import { errorMessage } from './errors';

export const PAGE_SIZE = 120;

class Browse {
  list: Loaded = $state.raw(EMPTY);
  /** The first page is in (until then, announcements are left to it). */
  loaded = $state(false);
  loading = $state(false);
  error = $state('');
  private started = false;
  private tail: Promise<void> = Promise.resolve();
  private fresh = new Set<number>();

  constructor() {
    onLibraryChange((c) => {
      if (c.kind === 'added' || c.kind === 'replaced') this.reread(c.ids);
      else if (c.kind === 'removed') this.drop(c.ids);
    });
  }

  /** One list operation at a time: a page read before a removal is then always followed by the drop. */
  private queue(fn: () => Promise<void>): Promise<void> {
    const run = this.tail.then(fn).then(
      () => void (this.error = ''),
      (e: unknown) => void (this.error = `Could not list the photos: ${errorMessage(e)}`),
    );
    this.tail = run;
    return run;
  }

  /** Loads the first page once (the grid calls it when shown). */
  start(): void {
    if (this.started) return;
    this.started = true;
    void this.more();
  }

  /** The next page (the first one the first time); nothing while one is asked for or when all are in. */
  more(): Promise<void> {
    if (this.loading || (this.loaded && this.list.next === undefined)) return this.tail;
    this.loading = true;
    return this.queue(() => this.loadPage().finally(() => (this.loading = false)));
  }

  private async loadPage(): Promise<void> {
    const before = this.loaded ? this.list.next : undefined;
    const start = performance.now();
    const page = await listLibraryPage({ before, limit: PAGE_SIZE });
    // bench:ui reads this: request → answer as the main thread sees it.
    performance.measure('glimpse:list', { start, detail: { items: page.items.length } });
    this.list = this.loaded ? appendPage(this.list, page) : page;
    this.loaded = true;
  }

  /** Added or re-described images: read just those (announcements in a burst fold into one read). */
  reread(ids: readonly number[]): void {
    const first = this.fresh.size === 0;
    for (const id of ids) this.fresh.add(id);
    if (!first) return;
    void this.queue(async () => {
      const ids = [...this.fresh].filter((id) => inRange(this.list, id));
      this.fresh.clear();
      if (!this.loaded || ids.length === 0) return;
      this.list = upsertItems(this.list, await libraryItems(ids));
    });
  }

  drop(ids: readonly number[]): void {
    void this.queue(() => {
      this.list = dropItems(this.list, ids);
      return Promise.resolve();
    });
  }

  /** After "clear all": the first page again (empty unless photos were added meanwhile). */
  reset(): Promise<void> {
    return this.queue(() => {
      this.list = EMPTY;
      this.loaded = false;
      return this.loadPage();
    });
  }
}

export const browse = new Browse();
