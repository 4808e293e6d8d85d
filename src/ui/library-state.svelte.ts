// The library as the UI shows it: how many images, and a version that bumps whenever images are
// added or removed, by this tab or another one on the same library (views that list images or
// show search results re-read on it).
import { libraryStatus, listLibrary, onLibraryChange, openLibrary, removeImages, type LibraryItem } from '../bridge/bridge';
import { coalesced } from './coalesce';

class LibraryState {
  count: number | undefined = $state();
  version = $state(0);

  /** Re-reads the stored count after any tab's write (the count is shared, so it is read, not added up). */
  private readonly reread = coalesced(async () => {
    this.count = (await libraryStatus()).count;
    this.version++;
  });

  constructor() {
    onLibraryChange((c) => {
      if (c.kind === 'added' || c.kind === 'removed' || c.kind === 'replaced') this.reread();
    });
  }

  async refresh(): Promise<void> {
    this.count = (await openLibrary()).count;
    this.version++;
  }

  added(): void {
    this.count = (this.count ?? 0) + 1;
    this.version++;
  }

  async list(): Promise<LibraryItem[]> {
    const start = performance.now();
    const items = await listLibrary();
    // bench:ui reads this: request → answer as the main thread sees it.
    performance.measure('glimpse:list', { start, detail: { items: items.length } });
    return items;
  }

  async remove(ids: number[]): Promise<void> {
    await removeImages(ids);
    await this.refresh();
  }

  async clear(): Promise<void> {
    await this.remove((await listLibrary()).map((i) => i.id));
  }
}

export const library = new LibraryState();
