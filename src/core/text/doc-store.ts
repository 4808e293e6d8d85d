// The lexical index's documents: image id <-> dense slot, per-field lengths, and each document's
// analysed text (captions, tags, triplets) encoded as word ids in one growable Uint32Array. Far
// fewer objects than a DocData per image (100k images: tens of MB instead of hundreds), and it
// copies straight into a snapshot. DocData is decoded on demand, for the few documents a search
// rescores or explains.
import { FIELD_COUNT } from './postings.ts';
import type { DocData } from './lexical-types.ts';
import type { Triplet } from './triplets.ts';

/** Separator of the word list in snapshots; never part of an analysed word. */
export const WORD_SEP = '\u0000';

function grown<T extends Uint32Array | Uint8Array | Float64Array>(a: T, min: number, make: (n: number) => T): T {
  if (a.length >= min) return a;
  const b = make(Math.max(min, a.length * 2, 16));
  b.set(a);
  return b;
}

/** Plain arrays of a DocStore, slot order, no dead slots (see compacted()). */
export interface DocArrays {
  readonly ids: Float64Array;
  /** FIELD_COUNT per document. */
  readonly lengths: Uint32Array;
  /** Start of each document's text in `text`, plus one end offset. */
  readonly offsets: Uint32Array;
  /** Word ids and counts; 16-bit in a snapshot whose vocabulary fits. */
  readonly text: Uint16Array | Uint32Array;
  readonly words: readonly string[];
}

export class DocStore {
  /** Slots in use, dead ones included. */
  slotCount = 0;
  live = 0;
  ids = new Float64Array(16);
  alive = new Uint8Array(16);
  lengths = new Uint32Array(16 * FIELD_COUNT);
  private starts = new Uint32Array(16);
  private ends = new Uint32Array(16);
  private text = new Uint32Array(256);
  private textLength = 0;
  private readonly slotOf = new Map<number, number>();
  private readonly wordIds = new Map<string, number>();
  private readonly words: string[] = [];

  static from(a: DocArrays): DocStore {
    const s = new DocStore();
    const n = a.ids.length;
    s.slotCount = s.live = n;
    s.ids = a.ids.slice();
    s.alive = new Uint8Array(n).fill(1);
    s.lengths = a.lengths.slice();
    s.starts = a.offsets.slice(0, n);
    s.ends = a.offsets.slice(1, n + 1);
    s.text = new Uint32Array(a.text); // a copy, widened if it was 16-bit
    s.textLength = a.text.length;
    for (let i = 0; i < n; i++) s.slotOf.set(a.ids[i] as number, i);
    if (s.slotOf.size !== n) throw new RangeError('an image id is listed twice');
    a.words.forEach((w, i) => {
      s.words.push(w); // indices must stay as stored, even if a word were listed twice
      if (!s.wordIds.has(w)) s.wordIds.set(w, i);
    });
    return s;
  }

  slot(id: number): number | undefined {
    return this.slotOf.get(id);
  }

  /** Live ids, in slot (insertion) order. */
  liveIds(): number[] {
    return [...this.slotOf.keys()];
  }

  /** A new slot for `id` (which must not be live); returns it. */
  add(id: number, data: DocData, lengths: readonly number[]): number {
    const slot = this.slotCount++;
    const cap = this.slotCount;
    this.ids = grown(this.ids, cap, (n) => new Float64Array(n));
    this.alive = grown(this.alive, cap, (n) => new Uint8Array(n));
    this.lengths = grown(this.lengths, cap * FIELD_COUNT, (n) => new Uint32Array(n));
    this.starts = grown(this.starts, cap, (n) => new Uint32Array(n));
    this.ends = grown(this.ends, cap, (n) => new Uint32Array(n));
    this.ids[slot] = id;
    this.alive[slot] = 1;
    for (let f = 0; f < FIELD_COUNT; f++) this.lengths[slot * FIELD_COUNT + f] = lengths[f] ?? 0;
    this.starts[slot] = this.textLength;
    this.encode(data);
    this.ends[slot] = this.textLength;
    this.slotOf.set(id, slot);
    this.live++;
    return slot;
  }

  kill(slot: number): void {
    if (!this.alive[slot]) return;
    this.alive[slot] = 0;
    this.slotOf.delete(this.ids[slot] as number);
    this.live--;
  }

  get dead(): number {
    return this.slotCount - this.live;
  }

  /** Decodes one document's analysed text. */
  data(slot: number): DocData {
    let p = this.starts[slot] as number;
    const t = this.text;
    const word = (): string => this.words[t[p++] as number] as string;
    const captions: string[][] = [];
    for (let c = t[p++] as number; c > 0; c--) {
      const words: string[] = [];
      for (let w = t[p++] as number; w > 0; w--) words.push(word());
      captions.push(words);
    }
    const tags: string[] = [];
    for (let n = t[p++] as number; n > 0; n--) tags.push(word());
    const triplets: Triplet[] = [];
    for (let n = t[p++] as number; n > 0; n--) triplets.push({ s: word(), r: word(), o: word() });
    const ocr: string[] = [];
    for (let n = t[p++] as number; n > 0; n--) ocr.push(word());
    return { captions, tags, triplets, ocr };
  }

  /** Only the triplets of one document (what rescoring needs). */
  triplets(slot: number): Triplet[] {
    let p = this.starts[slot] as number;
    const t = this.text;
    for (let c = t[p++] as number; c > 0; c--) p += (t[p] as number) + 1;
    p += (t[p] as number) + 1;
    const out: Triplet[] = [];
    for (let n = t[p++] as number; n > 0; n--, p += 3) {
      out.push({
        s: this.words[t[p] as number] as string,
        r: this.words[t[p + 1] as number] as string,
        o: this.words[t[p + 2] as number] as string,
      });
    }
    return out;
  }

  /** Drops dead slots; returns old slot -> new slot (-1 for dropped). */
  compact(): Int32Array {
    const remap = new Int32Array(this.slotCount).fill(-1);
    const text = new Uint32Array(Math.max(256, this.textLength));
    let at = 0;
    let w = 0;
    for (let r = 0; r < this.slotCount; r++) {
      if (!this.alive[r]) continue;
      remap[r] = w;
      const [s, e] = [this.starts[r] as number, this.ends[r] as number];
      text.set(this.text.subarray(s, e), at);
      this.starts[w] = at;
      at += e - s;
      this.ends[w] = at;
      this.ids[w] = this.ids[r] as number;
      this.alive[w] = 1;
      this.lengths.copyWithin(w * FIELD_COUNT, r * FIELD_COUNT, (r + 1) * FIELD_COUNT);
      this.slotOf.set(this.ids[w] as number, w);
      w++;
    }
    this.alive.fill(0, w);
    this.text = text;
    this.textLength = at;
    this.slotCount = w;
    return remap;
  }

  /** Copies of the live documents, packed (a compacted store's arrays, without compacting this one). */
  arrays(): DocArrays {
    const n = this.live;
    const ids = new Float64Array(n);
    const lengths = new Uint32Array(n * FIELD_COUNT);
    const offsets = new Uint32Array(n + 1);
    let size = 0;
    for (let r = 0; r < this.slotCount; r++) if (this.alive[r]) size += (this.ends[r] as number) - (this.starts[r] as number);
    const text = new Uint32Array(size);
    let w = 0;
    for (let r = 0; r < this.slotCount; r++) {
      if (!this.alive[r]) continue;
      ids[w] = this.ids[r] as number;
      lengths.set(this.lengths.subarray(r * FIELD_COUNT, (r + 1) * FIELD_COUNT), w * FIELD_COUNT);
      text.set(this.text.subarray(this.starts[r], this.ends[r]), offsets[w]);
      offsets[w + 1] = (offsets[w] as number) + (this.ends[r] as number) - (this.starts[r] as number);
      w++;
    }
    return { ids, lengths, offsets, text, words: this.words };
  }

  private intern(word: string): number {
    let id = this.wordIds.get(word);
    if (id === undefined) {
      if (word.includes(WORD_SEP)) throw new RangeError('an analysed word contains a NUL character');
      id = this.words.length;
      this.words.push(word);
      this.wordIds.set(word, id);
    }
    return id;
  }

  /** [#captions, (#words, word...)..., #tags, tag..., #triplets, (s, r, o)..., #ocr, ocr word...] */
  private encode(d: DocData): void {
    const out: number[] = [d.captions.length];
    for (const c of d.captions) out.push(c.length, ...c.map((w) => this.intern(w)));
    out.push(d.tags.length, ...d.tags.map((w) => this.intern(w)));
    out.push(d.triplets.length);
    for (const t of d.triplets) out.push(this.intern(t.s), this.intern(t.r), this.intern(t.o));
    out.push(d.ocr.length, ...d.ocr.map((w) => this.intern(w)));
    this.text = grown(this.text, this.textLength + out.length, (n) => new Uint32Array(n));
    this.text.set(out, this.textLength);
    this.textLength += out.length;
  }
}
