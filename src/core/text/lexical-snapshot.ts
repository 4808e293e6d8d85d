// Snapshot of a lexical index: its options plus the index's own packed arrays (documents'
// analysed text as word ids, postings as slots and field frequencies). Typed arrays and two
// strings, so a structured clone (IndexedDB) copies it in bulk, and loading runs no text analysis
// and builds no per-posting objects. Everything is checked on load: a snapshot that does not add
// up is refused (StaleIndexError) and the caller rebuilds from the records.
import { GlimpseError } from '../errors.ts';
import { WORD_SEP } from './doc-store.ts';
import { LexicalIndex, type LexicalState } from './lexical-index.ts';
import type { LexicalOptions } from './lexical-types.ts';
import { FIELD_COUNT } from './postings.ts';

/** Bump when analysis (tokens, lemmas, keys) or the layout changes: old snapshots must be rebuilt from records. */
export const LEXICAL_SNAPSHOT_VERSION = 3; // 3: the 'ocr' field (words read in photos)

export interface LexicalSnapshot {
  readonly format: 'glimpse-lexical';
  readonly version: number;
  readonly options: LexicalOptions;
  /** Image id per document. */
  readonly ids: Float64Array;
  /** FIELD_COUNT field lengths per document. */
  readonly lengths: Uint32Array;
  /** Document d's text is docText[docOffsets[d] .. docOffsets[d + 1]) (see DocStore's encoding). */
  readonly docOffsets: Uint32Array;
  /** 16-bit when every value fits (a caption vocabulary rarely passes 65k words): half the bytes to store. */
  readonly docText: Uint16Array | Uint32Array;
  /** Word list, each word followed by NUL; docText holds indices into it. */
  readonly words: string;
  /** Term keys, each followed by NUL; postings of term t are [postingOffsets[t], postingOffsets[t + 1]). */
  readonly terms: string;
  readonly postingOffsets: Uint32Array;
  /** Document indices, ascending within each term. */
  readonly postingSlots: Uint32Array;
  /** FIELD_COUNT frequencies per posting. */
  readonly postingTf: Uint8Array;
}

function narrow(a: Uint16Array | Uint32Array): Uint16Array | Uint32Array {
  if (a instanceof Uint16Array) return a;
  for (const v of a) if (v > 0xffff) return a;
  return new Uint16Array(a);
}

/** Each word ends with WORD_SEP, so an empty word survives the round trip. */
const join = (words: readonly string[]): string => words.map((w) => w + WORD_SEP).join('');
const split = (s: string): string[] => s.split(WORD_SEP).slice(0, -1);

export function toSnapshot(index: LexicalIndex): LexicalSnapshot {
  const s = index.state();
  return {
    format: 'glimpse-lexical',
    version: LEXICAL_SNAPSHOT_VERSION,
    options: index.options,
    ids: s.docs.ids,
    lengths: s.docs.lengths,
    docOffsets: s.docs.offsets,
    docText: narrow(s.docs.text),
    words: join(s.docs.words),
    terms: join(s.terms),
    postingOffsets: s.offsets,
    postingSlots: s.slots,
    postingTf: s.tf,
  };
}

function stale(why: string): GlimpseError {
  return new GlimpseError('StaleIndexError', `Lexical index snapshot ${why}; rebuild it from the records.`);
}

/** Offsets start at 0, never go down and end at `end`. */
function validOffsets(o: Uint32Array, count: number, end: number): boolean {
  if (o.length !== count + 1 || o[0] !== 0 || o[count] !== end) return false;
  for (let i = 1; i <= count; i++) if ((o[i] as number) < (o[i - 1] as number)) return false;
  return true;
}

/** Walks every document's encoding: counts must add up to its extent, word ids must exist. */
function validText(offsets: Uint32Array, text: Uint16Array | Uint32Array, words: number): boolean {
  // A flat loop (no closure per document): this runs over millions of entries at open.
  for (let d = 0; d + 1 < offsets.length; d++) {
    let p = offsets[d] as number;
    const end = offsets[d + 1] as number;
    // Runs of word ids, each after its count: one per caption, then tags, triplets (x3), OCR words.
    if (p >= end) return false;
    const captions = text[p++] as number;
    const runs = captions + 3;
    for (let r = 0; r < runs; r++) {
      if (p >= end) return false;
      const n = (r === captions + 1 ? 3 : 1) * (text[p++] as number);
      if (p + n > end) return false;
      for (let i = 0; i < n; i++) if ((text[p++] as number) >= words) return false;
    }
    if (p !== end) return false;
  }
  return true;
}

function validPostings(s: LexicalSnapshot, terms: number, docs: number): boolean {
  const slots = s.postingSlots;
  if (!validOffsets(s.postingOffsets, terms, slots.length) || s.postingTf.length !== slots.length * FIELD_COUNT) return false;
  for (let t = 0; t < terms; t++) {
    const [a, b] = [s.postingOffsets[t] as number, s.postingOffsets[t + 1] as number];
    for (let i = a; i < b; i++) {
      const slot = slots[i] as number;
      if (slot >= docs || (i > a && slot <= (slots[i - 1] as number))) return false;
    }
  }
  return true;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Throws GlimpseError('StaleIndexError') for another format/version, other options than
 * `expected` (when given), or arrays that do not add up.
 */
export function fromSnapshot(snapshot: unknown, expected?: LexicalOptions): LexicalIndex {
  const s = snapshot as Partial<LexicalSnapshot> | null;
  if (s?.format !== 'glimpse-lexical' || s.version !== LEXICAL_SNAPSHOT_VERSION || !s.options)
    throw stale('is missing or from another version');
  if (expected && !same(s.options, expected)) throw stale('was built with other settings');
  const typed = [
    [s.ids, Float64Array],
    [s.lengths, Uint32Array],
    [s.docOffsets, Uint32Array],
    [s.postingOffsets, Uint32Array],
    [s.postingSlots, Uint32Array],
    [s.postingTf, Uint8Array],
  ] as const;
  if (
    !typed.every(([a, T]) => a instanceof T) ||
    !(s.docText instanceof Uint16Array || s.docText instanceof Uint32Array) ||
    typeof s.words !== 'string' ||
    typeof s.terms !== 'string'
  )
    throw stale('is malformed');
  const full = s as LexicalSnapshot;
  const n = full.ids.length;
  const words = split(full.words);
  const terms = split(full.terms);
  for (const id of full.ids) if (!Number.isInteger(id)) throw stale('has a bad image id');
  if (
    full.lengths.length !== n * FIELD_COUNT ||
    !validOffsets(full.docOffsets, n, full.docText.length) ||
    !validText(full.docOffsets, full.docText, words.length) ||
    new Set(terms).size !== terms.length ||
    !validPostings(full, terms.length, n)
  ) {
    throw stale('is corrupt');
  }
  const state: LexicalState = {
    docs: {
      ids: full.ids,
      lengths: full.lengths,
      offsets: full.docOffsets,
      text: full.docText,
      words,
    },
    terms,
    offsets: full.postingOffsets,
    slots: full.postingSlots,
    tf: full.postingTf,
  };
  try {
    return LexicalIndex.fromState(full.options, state);
  } catch (e) {
    if (e instanceof RangeError) throw stale(`is corrupt (${e.message})`);
    throw e;
  }
}
