// One term's postings as two growable typed arrays: document slots (ascending) and field
// frequencies (FIELD_COUNT bytes per posting). About 8 bytes a posting instead of a Map entry
// plus an object, and a tight loop when scoring. Slots of removed documents stay until the index
// compacts; the scorer skips them.
import { FIELDS } from './lexical-types.ts';

export const FIELD_COUNT = FIELDS.length;
/** A field frequency saturates here (one byte); BM25 saturates long before. */
const MAX_TF = 255;

export class PostingList {
  /** Ascending document slots; only the first `length` entries are used. */
  slots: Uint32Array;
  /** FIELD_COUNT frequencies per posting, in FIELDS order. */
  tf: Uint8Array;
  length: number;

  constructor(slots: Uint32Array = new Uint32Array(4), tf: Uint8Array = new Uint8Array(4 * FIELD_COUNT), length = 0) {
    this.slots = slots;
    this.tf = tf;
    this.length = length;
  }

  /** Appends a posting; `slot` must be larger than every slot already in the list. */
  push(slot: number, counts: readonly number[]): void {
    if (this.length === this.slots.length) this.grow(Math.max(4, this.length * 2));
    this.slots[this.length] = slot;
    const o = this.length * FIELD_COUNT;
    for (let f = 0; f < FIELD_COUNT; f++) this.tf[o + f] = Math.min(MAX_TF, counts[f] ?? 0);
    this.length++;
  }

  /** Index of `slot` in the list, or -1 (binary search: slots are ascending). */
  find(slot: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.slots[mid] as number;
      if (s === slot) return mid;
      if (s < slot) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Keeps postings whose slot maps to a new slot (remap[slot] >= 0), renumbered. Order is kept. */
  compact(remap: Int32Array): void {
    let w = 0;
    for (let r = 0; r < this.length; r++) {
      const to = remap[this.slots[r] as number] as number;
      if (to < 0) continue;
      this.slots[w] = to;
      if (w !== r) this.tf.copyWithin(w * FIELD_COUNT, r * FIELD_COUNT, (r + 1) * FIELD_COUNT);
      w++;
    }
    this.length = w;
  }

  /** Own, right-sized buffers (a list loaded from a snapshot starts as views into shared arrays). */
  private grow(capacity: number): void {
    const slots = new Uint32Array(capacity);
    slots.set(this.slots.subarray(0, this.length));
    const tf = new Uint8Array(capacity * FIELD_COUNT);
    tf.set(this.tf.subarray(0, this.length * FIELD_COUNT));
    this.slots = slots;
    this.tf = tf;
  }
}

/** Packed postings of live terms: term t owns [offsets[t], offsets[t + 1]) of slots (FIELD_COUNT x that of tf). */
export interface PackedPostings {
  readonly terms: readonly string[];
  readonly offsets: Uint32Array;
  readonly slots: Uint32Array;
  readonly tf: Uint8Array;
}

/** Term key -> posting list, with each term's count of live documents (its df). */
export class TermTable {
  private readonly ids = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly lists: PostingList[] = [];
  private readonly counts: number[] = [];

  /** The list of `key`, or undefined for an unknown term. */
  list(key: string): PostingList | undefined {
    const t = this.ids.get(key);
    return t === undefined ? undefined : this.lists[t];
  }

  df(key: string): number {
    const t = this.ids.get(key);
    return t === undefined ? 0 : (this.counts[t] as number);
  }

  /** Keys whose lists hold at least `min` postings (dead ones too: they are scored as well), longest first. */
  longest(min: number): string[] {
    const keys = this.keys.filter((_, t) => (this.lists[t] as PostingList).length >= min);
    return keys.sort((a, b) => (this.list(b) as PostingList).length - (this.list(a) as PostingList).length);
  }

  /** Adds one live document's posting to `key`. */
  push(key: string, slot: number, counts: readonly number[]): void {
    const t = this.termId(key);
    (this.lists[t] as PostingList).push(slot, counts);
    this.counts[t] = (this.counts[t] as number) + 1;
  }

  /** One document holding `key` is gone (its posting stays until compact). */
  drop(key: string): void {
    const t = this.ids.get(key);
    if (t !== undefined) this.counts[t] = (this.counts[t] as number) - 1;
  }

  compact(remap: Int32Array): void {
    for (const list of this.lists) list.compact(remap);
  }

  /** Copies of the postings of live documents (remap: slot -> packed slot, -1 for dead ones). */
  pack(remap: Int32Array): PackedPostings {
    const live = this.keys.map((_, t) => t).filter((t) => (this.counts[t] as number) > 0);
    const offsets = new Uint32Array(live.length + 1);
    live.forEach((t, i) => (offsets[i + 1] = (offsets[i] as number) + (this.counts[t] as number)));
    const slots = new Uint32Array(offsets[live.length] as number);
    const tf = new Uint8Array(slots.length * FIELD_COUNT);
    live.forEach((t, i) => {
      const list = this.lists[t] as PostingList;
      let w = offsets[i] as number;
      for (let r = 0; r < list.length; r++) {
        const to = remap[list.slots[r] as number] as number;
        if (to < 0) continue;
        slots[w] = to;
        tf.set(list.tf.subarray(r * FIELD_COUNT, (r + 1) * FIELD_COUNT), w * FIELD_COUNT);
        w++;
      }
    });
    return { terms: live.map((t) => this.keys[t] as string), offsets, slots, tf };
  }

  /** A table over packed postings (every document live); copies them, so `p` stays untouched. */
  static unpack(p: PackedPostings): TermTable {
    const table = new TermTable();
    const slots = p.slots.slice();
    const tf = p.tf.slice();
    p.terms.forEach((key, i) => {
      const [a, b] = [p.offsets[i] as number, p.offsets[i + 1] as number];
      const t = table.termId(key);
      table.lists[t] = new PostingList(slots.subarray(a, b), tf.subarray(a * FIELD_COUNT, b * FIELD_COUNT), b - a);
      table.counts[t] = b - a;
    });
    return table;
  }

  private termId(key: string): number {
    let t = this.ids.get(key);
    if (t === undefined) {
      t = this.keys.length;
      this.ids.set(key, t);
      this.keys.push(key);
      this.lists.push(new PostingList());
      this.counts.push(0);
    }
    return t;
  }
}
