// The float16 vectors a search re-ranked, kept by slot so a later search re-ranking them again
// scores from memory: no store read, no key string, no checksum (each block is verified once,
// when first read). Rows are appended in the order slots are first read, in pages of
// ROWS_PER_PAGE, up to a byte cap the memory budget leaves (forest-state.ts); past the cap,
// vectors are read from the store as before. A slot's row never changes while it lives (a new
// vector gets a new slot); a commit that writes or deletes a slot's block forgets it anyway.

const ROW_SHIFT = 8;
const ROWS_PER_PAGE = 1 << ROW_SHIFT;

/** Float16 vectors: vector i is data[i][off[i], off[i] + dim). */
export interface SlabRows {
  data: Uint16Array[];
  off: Int32Array;
}

export class VectorSlab {
  /** Per slot: its row + 1, or 0 when not held (Int32Array fills with 0). */
  private where: Int32Array;
  private readonly pages: Uint16Array[] = [];
  private rows = 0;

  constructor(private readonly dim: number, slots: number, private readonly capBytes: number) {
    // Without room for the index and one page, hold nothing (and spend nothing on the index).
    this.where = new Int32Array(capBytes >= slots * 4 + ROWS_PER_PAGE * dim * 2 ? slots : 0);
  }

  /** Bytes held: the slot index and the row pages. */
  get bytes(): number {
    return this.where.byteLength + this.pages.length * ROWS_PER_PAGE * this.dim * 2;
  }

  /** The row of `slot` (its half floats start at rowOffset), or -1. */
  private row(slot: number): number {
    return slot < this.where.length ? this.where[slot] - 1 : -1;
  }

  private page(row: number): Uint16Array {
    return this.pages[row >>> ROW_SHIFT];
  }

  private rowOffset(row: number): number {
    return (row & (ROWS_PER_PAGE - 1)) * this.dim;
  }

  /**
   * The vectors of `slots` (in that order): vector i is data[i] from off[i] (a slab page for those
   * it holds, no view made: a subarray per vector was an allocation per re-ranked slot), the rest
   * through `read` (one store read that verifies them), then kept if the cap allows. `grew`: a
   * page was allocated (the caller's budget for other things shrank).
   */
  async get(slots: readonly number[], read: (slots: number[]) => Promise<{ half: Uint16Array }[]>): Promise<SlabRows & { grew: boolean }> {
    const data = new Array<Uint16Array>(slots.length), off = new Int32Array(slots.length);
    let miss: number[] | undefined;
    for (let i = 0; i < slots.length; i++) {
      const r = this.row(slots[i]);
      if (r >= 0) {
        data[i] = this.page(r);
        off[i] = this.rowOffset(r);
      } else (miss ??= []).push(i);
    }
    if (!miss) return { data, off, grew: false };
    const blocks = await read(miss.map((i) => slots[i]));
    let grew = false;
    miss.forEach((i, j) => {
      data[i] = blocks[j].half;
      grew = this.put(slots[i], blocks[j].half) || grew;
    });
    return { data, off, grew };
  }

  /** Keeps a verified vector (`dim` float16 bits) for `slot` if the cap allows; returns whether a page was allocated. */
  put(slot: number, half: Uint16Array): boolean {
    if (slot >= this.where.length || this.where[slot]) return false;
    let grew = false;
    if (this.rows === this.pages.length * ROWS_PER_PAGE) {
      if (this.bytes + ROWS_PER_PAGE * this.dim * 2 > this.capBytes) return false;
      this.pages.push(new Uint16Array(ROWS_PER_PAGE * this.dim));
      grew = true;
    }
    const r = this.rows++;
    this.page(r).set(half, this.rowOffset(r));
    this.where[slot] = r + 1;
    return grew;
  }

  /** Whether `slot`'s vector is held. */
  holds(slot: number): boolean {
    return this.row(slot) >= 0;
  }

  /** Whether the cap holds `n` more rows beside those held (the index allocated). */
  fits(n: number): boolean {
    if (!this.where.length) return false;
    const free = this.pages.length * ROWS_PER_PAGE - this.rows;
    return this.bytes + Math.ceil(Math.max(0, n - free) / ROWS_PER_PAGE) * ROWS_PER_PAGE * this.dim * 2 <= this.capBytes;
  }

  /** No room for another row (the cap is reached, or it holds nothing at all). */
  get full(): boolean {
    return !this.fits(1);
  }

  forget(slot: number): void {
    if (slot < this.where.length) this.where[slot] = 0;
  }

  /** Drops every row (memory pressure, or measuring cold reads); the index stays. */
  clear(): void {
    this.where.fill(0);
    this.pages.length = 0;
    this.rows = 0;
  }

  /** Room for slots [0, n) (an add grew the slot table). */
  ensureSlots(n: number): void {
    if (n <= this.where.length || !this.where.length) return;
    const w = new Int32Array(n);
    w.set(this.where);
    this.where = w;
  }
}
