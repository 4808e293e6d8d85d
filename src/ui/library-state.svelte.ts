// The library as the UI shows it: how many images, and a version that bumps whenever images are
// added or removed, by this tab or another one on the same library (open searches re-run on it;
// the browse grid follows the announcements themselves, see browse.svelte.ts).
import { clearLibrary, closePack, libraryStatus, onLibraryChange, openLibrary, openPack, openPackFile, removeImages } from '../bridge/bridge';
import { browse } from './browse.svelte';
import { coalesced } from './coalesce';
import { errorMessage, errorName } from './errors';

class LibraryState {
  count: number | undefined = $state();
  version = $state(0);
  /** A newer version of the app took the library over in another tab: this one must be reloaded. */
  conflict = $state('');
  /**
   * A static pack opened by URL (`?pack=`), or a library file opened in place (`file`): shown and
   * searched read-only instead of the person's library.
   */
  pack: { url: string; file?: File } | undefined = $state();
  /**
   * Opens of the library shown (the own library read, a pack or a library file opened) asked for
   * so far. The worker takes calls in order, so a search sent after an open was asked for searches
   * what that open shows.
   */
  opensAsked = 0;
  /** The version the last finished open bumped to, and that open's number. */
  private opened = { version: -1, asked: 0 };
  /** Opening a library file in place failed: the message names the file; `importable` when importing it would work (an older file). */
  fileError: { message: string; file: File; importable: boolean } | undefined = $state();

  /** Re-reads the stored count after any tab's write (the count is shared, so it is read, not added up). */
  private readonly reread = coalesced(async () => {
    this.count = (await libraryStatus()).count;
    this.version++;
  });

  constructor() {
    onLibraryChange((c) => {
      if (c.kind === 'added' || c.kind === 'removed') this.reread();
      // A re-description never changes the count: only open searches need to run again.
      else if (c.kind === 'replaced') this.version++;
      // Some tab's worker let go of the database for a newer version: is it this tab's?
      else if (c.kind === 'upgrading') void libraryStatus().catch((e: unknown) => errorName(e) === 'VersionConflictError' && (this.conflict = errorMessage(e)));
    });
  }

  async refresh(): Promise<void> {
    const asked = ++this.opensAsked;
    this.count = (await openLibrary()).count;
    this.openedAs(asked);
  }

  /** Opens the pack at `url`; rejects (name 'PackUnreadableError', message naming the URL) leaving the own library as it was. */
  async openPack(url: string): Promise<void> {
    const asked = ++this.opensAsked;
    const { count } = await openPack(url);
    this.pack = { url };
    this.count = count;
    this.openedAs(asked);
    await browse.reset();
  }

  /** Opens library file `file` in place; a failure is kept in `fileError` and the own library stays as it was. */
  async openFile(file: File): Promise<boolean> {
    this.fileError = undefined;
    const asked = ++this.opensAsked;
    try {
      const { count } = await openPackFile(file);
      this.pack = { url: file.name, file };
      this.count = count;
      this.openedAs(asked);
      await browse.reset();
      return true;
    } catch (e) {
      this.fileError = { message: errorMessage(e), file, importable: errorName(e) === 'NoPackInFileError' };
      return false;
    }
  }

  private openedAs(asked: number): void {
    this.version++;
    this.opened = { version: this.version, asked };
  }

  /**
   * Whether version `v` only marks the end of an open asked for before a search sent when
   * `opensAsked` was `sentAfter`: that search already ran on what the open shows, so it need not run
   * again (a query typed while a pack opened ran twice at once, on the pack's first visit).
   */
  onlyOpenedBefore(v: number, sentAfter: number): boolean {
    return this.opened.version === v && this.opened.asked <= sentAfter;
  }

  /** Closes the open library file: the person's own library is shown again, as it was. */
  async closePack(): Promise<void> {
    await closePack();
    this.pack = undefined;
    await Promise.all([browse.reset(), this.refresh()]);
  }

  added(): void {
    this.count = (this.count ?? 0) + 1;
    this.version++;
  }

  async remove(ids: number[]): Promise<void> {
    await removeImages(ids);
    // The announcement drops them too; this tab need not wait for it.
    browse.drop(ids);
    await this.refresh();
  }

  /** Removes every photo in the worker (no list of them comes here). */
  async clear(): Promise<void> {
    await clearLibrary();
    await Promise.all([browse.reset(), this.refresh()]);
  }
}

export const library = new LibraryState();
