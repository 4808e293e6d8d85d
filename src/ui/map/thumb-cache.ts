// Thumbnails for the map's canvas: each stored thumbnail decoded once into a small square bitmap
// (its centre), kept in a bounded LRU, so a 10,000-photo map never holds 10,000 decoded images.
// Loads go a few at a time; the map asks again on its next frame.
import { thumbnail } from '../../bridge/bridge';

const SIDE = 96;
const IN_FLIGHT = 6;

export class ThumbCache {
  private readonly bitmaps = new Map<number, ImageBitmap>();
  private readonly loading = new Set<number>();
  private readonly failed = new Set<number>();
  private queue: number[] = [];
  private closed = false;

  constructor(private readonly capacity: number, private readonly onLoad: () => void) {}

  /** The bitmap if loaded (and marks it recently used); otherwise asks for it and returns undefined. */
  get(id: number): ImageBitmap | undefined {
    const b = this.bitmaps.get(id);
    if (b) {
      this.bitmaps.delete(id);
      this.bitmaps.set(id, b);
      return b;
    }
    if (!this.loading.has(id) && !this.failed.has(id)) {
      this.loading.add(id);
      this.queue.push(id);
      this.pump();
    }
    return undefined;
  }

  /** Forgets wanted-but-not-started loads (the view moved on); called at the start of each frame. */
  resetQueue(): void {
    for (const id of this.queue) this.loading.delete(id);
    this.queue = [];
  }

  close(): void {
    this.closed = true;
    for (const b of this.bitmaps.values()) b.close();
    this.bitmaps.clear();
  }

  private active = 0;

  private pump(): void {
    while (this.active < IN_FLIGHT && this.queue.length > 0) {
      const id = this.queue.shift()!;
      this.active++;
      void this.load(id).finally(() => {
        this.active--;
        this.loading.delete(id);
        this.pump();
      });
    }
  }

  private async load(id: number): Promise<void> {
    try {
      const blob = await thumbnail(id);
      if (!blob || this.closed) throw new Error('no thumbnail');
      const full = await createImageBitmap(blob);
      const side = Math.min(full.width, full.height);
      const small = await createImageBitmap(full, (full.width - side) / 2, (full.height - side) / 2, side, side, { resizeWidth: SIDE, resizeHeight: SIDE, resizeQuality: 'medium' });
      full.close();
      if (this.closed) return small.close();
      this.bitmaps.set(id, small);
      while (this.bitmaps.size > this.capacity) {
        const [oldest, b] = this.bitmaps.entries().next().value!;
        this.bitmaps.delete(oldest);
        b.close();
      }
      this.onLoad();
    } catch {
      this.failed.add(id);
    }
  }
}
