// The library as the UI shows it: how many images, and a version that bumps whenever images are
// added or removed (views that list images re-read on it).
import { listLibrary, openLibrary, removeImages, type LibraryItem } from '../bridge/bridge';

class LibraryState {
  count: number | undefined = $state();
  version = $state(0);

  async refresh(): Promise<void> {
    this.count = (await openLibrary()).count;
    this.version++;
  }

  added(): void {
    this.count = (this.count ?? 0) + 1;
    this.version++;
  }

  list(): Promise<LibraryItem[]> {
    return listLibrary();
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
