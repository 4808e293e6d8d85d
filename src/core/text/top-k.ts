// The k best entries by (score desc, id asc), kept in a bounded min-heap: O(n log k) instead of
// sorting every matching document (tens of thousands at 100k images) to show a hundred.

/** Does (sa, ia) rank before (sb, ib)? */
export function ranksBefore(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa > sb || (sa === sb && ia < ib);
}

export class TopK {
  private readonly scores: Float64Array;
  private readonly ids: Float64Array;
  private readonly keys: Int32Array;
  size = 0;

  /** `k` entries at most; each carries an integer `key` (e.g. a document slot) along with its id. */
  constructor(readonly k: number) {
    const cap = Math.max(0, k);
    this.scores = new Float64Array(cap);
    this.ids = new Float64Array(cap);
    this.keys = new Int32Array(cap);
  }

  get full(): boolean {
    return this.size >= this.k;
  }

  /** Score of the worst kept entry (the one a newcomer must beat), -Infinity while not full. */
  get floor(): number {
    return this.full && this.k > 0 ? (this.scores[0] as number) : -Infinity;
  }

  /** Id of that worst kept entry (NaN while not full). */
  get floorId(): number {
    return this.full && this.k > 0 ? (this.ids[0] as number) : NaN;
  }

  /** Offers an entry; returns whether it was kept. */
  offer(score: number, id: number, key: number): boolean {
    if (this.k <= 0) return false;
    if (this.size < this.k) {
      this.place(this.size++, score, id, key);
      this.up(this.size - 1);
      return true;
    }
    if (!ranksBefore(score, id, this.scores[0] as number, this.ids[0] as number)) return false;
    this.place(0, score, id, key);
    this.down(0);
    return true;
  }

  /** Kept entries, best first. */
  sorted(): { score: number; id: number; key: number }[] {
    const out: { score: number; id: number; key: number }[] = [];
    for (let i = 0; i < this.size; i++)
      out.push({ score: this.scores[i] as number, id: this.ids[i] as number, key: this.keys[i] as number });
    return out.sort((a, b) => b.score - a.score || a.id - b.id);
  }

  private place(i: number, score: number, id: number, key: number): void {
    this.scores[i] = score;
    this.ids[i] = id;
    this.keys[i] = key;
  }

  /** Heap order: the root is the entry that ranks last. */
  private worse(i: number, j: number): boolean {
    return ranksBefore(this.scores[j] as number, this.ids[j] as number, this.scores[i] as number, this.ids[i] as number);
  }

  private swap(i: number, j: number): void {
    const [s, d, k] = [this.scores[i] as number, this.ids[i] as number, this.keys[i] as number];
    this.place(i, this.scores[j] as number, this.ids[j] as number, this.keys[j] as number);
    this.place(j, s, d, k);
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.worse(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < this.size && this.worse(l, w)) w = l;
      if (r < this.size && this.worse(r, w)) w = r;
      if (w === i) return;
      this.swap(i, w);
      i = w;
    }
  }
}
