// The lexical index split for reading over HTTP (the static pack): a query fetches the directory
// pages of its words and then only their postings, never the whole index (25 MB at 100,000
// photos). Three kinds of part:
// - the head (JSON, small): options, collection stats for BM25 (document count, field length
//   totals), the OCR vocabulary (near spellings are found before any fetch) and, per directory
//   page, its first key and part;
// - directory pages: sorted keys, each with its df and the byte range and checksum32 of its entry
//   in the postings part;
// - the postings part, read by Range: per term, postings by ascending id, each carrying the doc's
//   length in the fields where the term occurs (all BM25F needs, so no per-document table); per
//   triplet subject key (TRIPLET_KEY + key), the triplets of that subject with their ids (what the
//   triplet bonus and colour conflict of the rerank read, so no per-document fetch either).
// Varints throughout; keys front-coded as UTF-16 code units (core has no TextEncoder). An entry
// is stored deflated (raw deflate) when that is smaller: postings are runs of small numbers.
// The writer is handed the compressor and the reader the decompressor (core has neither).
import { checksum32 } from '../forest/checksum.ts';
import { VarintReader, writeVarint } from '../varint.ts';
import { GlimpseError } from '../errors.ts';
import { isColor } from './colors.ts';
import { DocStore } from './doc-store.ts';
import { keyOf } from './lemmatize.ts';
import type { LexicalIndex } from './lexical-index.ts';
import { LEXICAL_SNAPSHOT_VERSION } from './lexical-snapshot.ts';
import { FIELDS, type LexicalOptions } from './lexical-types.ts';
import { FIELD_COUNT } from './postings.ts';
import { isRelational } from './triplet-match.ts';
import type { Triplet } from './triplets.ts';

export const SPLIT_FORMAT = 'glimpse-lexical-split';
export const SPLIT_VERSION = 1;
/** Keys per directory page: a page is ~1–2 KB, and the head lists one line per page. */
export const DIRECTORY_PAGE_KEYS = 128;
/** Prefix of a triplet subject key in the directory; no analysed word holds this character. */
export const TRIPLET_KEY = '\u0001';
const OCR_FIELD = FIELDS.indexOf('ocr');

export interface SplitHead {
  readonly format: typeof SPLIT_FORMAT;
  readonly version: number;
  /** LEXICAL_SNAPSHOT_VERSION of the analysis the keys come from. */
  readonly analysis: number;
  readonly options: LexicalOptions;
  /** Live documents (BM25's N). */
  readonly docs: number;
  /** Largest image id (ids are integers ≥ 0): sizes the search's scratch arrays. */
  readonly maxId: number;
  /** Sum of each field's length over all documents (FIELDS order). */
  readonly totals: readonly number[];
  /** Keys found in OCR text, for near spellings. */
  readonly ocrWords: readonly string[];
  /** How entries may be compressed ('deflate-raw': an entry flagged in its directory entry is raw deflate). */
  readonly compression: 'none' | 'deflate-raw';
  /** The postings part and its size. */
  readonly postings: string;
  readonly postingsBytes: number;
  /** Directory pages in key order: [first key, part]. */
  readonly pages: readonly (readonly [string, string])[];
}

export interface DirEntry {
  readonly df: number;
  /** The entry's bytes are raw deflate. */
  readonly deflated: boolean;
  readonly start: number;
  readonly end: number;
  readonly checksum: number;
}

class Out {
  private buf = new Uint8Array(1024);
  length = 0;
  byte(b: number): void {
    if (this.length === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = b;
  }
  uint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a varint: ${n}`);
    writeVarint(n, (b) => this.byte(b));
  }
  u32(n: number): void {
    for (let i = 0; i < 4; i++) this.byte((n >>> (8 * i)) & 0xff);
  }
  chars(s: string): void {
    this.uint(s.length);
    for (let i = 0; i < s.length; i++) this.uint(s.charCodeAt(i));
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** One message function for every read: postings are read varint by varint on a query's path. */
const TRUNCATED = (): string => 'truncated varint';

class In extends VarintReader {
  uint(): number {
    return this.next(TRUNCATED);
  }
  u32(): number {
    if (this.at + 4 > this.bytes.length) throw new RangeError('truncated');
    const b = this.bytes, a = this.at;
    this.at += 4;
    return ((b[a] as number) | ((b[a + 1] as number) << 8) | ((b[a + 2] as number) << 16) | ((b[a + 3] as number) << 24)) >>> 0;
  }
  chars(): string {
    const n = this.uint();
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.uint());
    return s;
  }
}

/** One document's triplets grouped under the key of their subject (what termSim compares). */
function tripletLists(docs: DocStore, ids: Float64Array): Map<string, { id: number; t: Triplet }[]> {
  const out = new Map<string, { id: number; t: Triplet }[]>();
  const order = Array.from(ids.keys()).sort((a, b) => (ids[a] as number) - (ids[b] as number));
  for (const slot of order) {
    for (const t of docs.triplets(slot)) {
      // Only these can score: a (s, r, o) for the bonus, a (noun, is, colour) for a conflict. An
      // empty subject never matches (termSim of an empty word is 0).
      if (t.s === '' || !(isRelational(t) || (t.r === 'is' && isColor(t.o)))) continue;
      const key = TRIPLET_KEY + keyOf(t.s);
      let list = out.get(key);
      if (!list) out.set(key, (list = []));
      list.push({ id: ids[slot] as number, t });
    }
  }
  return out;
}

function encodeTriplets(list: readonly { id: number; t: Triplet }[]): Uint8Array {
  const words = new Map<string, number>();
  for (const { t } of list) for (const w of [t.s, t.r, t.o]) if (!words.has(w)) words.set(w, words.size);
  const o = new Out();
  o.uint(words.size);
  for (const w of words.keys()) o.chars(w);
  let prev = 0;
  for (const { id, t } of list) {
    o.uint(id - prev);
    prev = id;
    o.uint(words.get(t.s)!);
    o.uint(words.get(t.r)!);
    o.uint(words.get(t.o)!);
  }
  return o.bytes();
}

/**
 * The split index of `index`: parts handed to `put` (which stores them and returns their name),
 * the head returned. Same index in, same parts out.
 */
export async function splitLexical(
  index: LexicalIndex,
  put: (bytes: Uint8Array) => string | Promise<string>,
  o: { deflate?: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>; pageKeys?: number } = {},
): Promise<SplitHead> {
  const pageKeys = o.pageKeys ?? DIRECTORY_PAGE_KEYS;
  // Async so a browser writer can pass CompressionStream and a SubtleCrypto-named sink.
  const pack = async (bytes: Uint8Array): Promise<{ bytes: Uint8Array; deflated: boolean }> => {
    const small = o.deflate && bytes.byteLength > 16 ? await o.deflate(bytes) : undefined;
    return small && small.byteLength < bytes.byteLength ? { bytes: small, deflated: true } : { bytes, deflated: false };
  };
  const s = index.state();
  const { ids, lengths } = s.docs;
  const totals = new Array<number>(FIELD_COUNT).fill(0);
  for (let i = 0; i < lengths.length; i++) totals[i % FIELD_COUNT]! += lengths[i] as number;
  const entries = new Map<string, { df: number; bytes: Uint8Array; deflated: boolean }>();
  const ocrWords: string[] = [];
  for (let t = 0; t < s.terms.length; t++) {
    const key = s.terms[t]!;
    const [a, b] = [s.offsets[t] as number, s.offsets[t + 1] as number];
    const order = Array.from({ length: b - a }, (_, k) => a + k).sort((x, y) => (ids[s.slots[x] as number] as number) - (ids[s.slots[y] as number] as number));
    const o = new Out();
    let prev = 0, ocr = false;
    for (const p of order) {
      const slot = s.slots[p] as number;
      const id = ids[slot] as number;
      o.uint(id - prev);
      prev = id;
      let mask = 0;
      for (let f = 0; f < FIELD_COUNT; f++) if ((s.tf[p * FIELD_COUNT + f] as number) > 0) mask |= 1 << f;
      o.uint(mask);
      for (let f = 0; f < FIELD_COUNT; f++) {
        if (!(mask & (1 << f))) continue;
        o.uint(s.tf[p * FIELD_COUNT + f] as number);
        o.uint(lengths[slot * FIELD_COUNT + f] as number);
      }
      ocr ||= (s.tf[p * FIELD_COUNT + OCR_FIELD] as number) > 0;
    }
    if (ocr) ocrWords.push(key);
    entries.set(key, { df: b - a, ...(await pack(o.bytes())) });
  }
  for (const [key, list] of tripletLists(DocStore.from(s.docs), ids)) entries.set(key, { df: list.length, ...(await pack(encodeTriplets(list))) });

  const keys = [...entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let size = 0;
  for (const k of keys) size += entries.get(k)!.bytes.byteLength;
  const postings = new Uint8Array(size);
  const pages: [string, string][] = [];
  let at = 0;
  for (let p = 0; p < keys.length; p += pageKeys) {
    const page = keys.slice(p, p + pageKeys);
    const w = new Out();
    w.uint(page.length);
    w.uint(at);
    let prev = '';
    for (const key of page) {
      const e = entries.get(key)!;
      let shared = 0;
      while (shared < prev.length && shared < key.length && prev.charCodeAt(shared) === key.charCodeAt(shared)) shared++;
      w.uint(shared);
      w.chars(key.slice(shared));
      w.uint(e.df);
      w.uint(e.bytes.byteLength * 2 + (e.deflated ? 1 : 0));
      w.u32(checksum32(e.bytes, 0, e.bytes.byteLength));
      postings.set(e.bytes, at);
      at += e.bytes.byteLength;
      prev = key;
    }
    pages.push([page[0]!, await put(w.bytes())]);
  }
  let maxId = 0;
  for (const id of ids) maxId = Math.max(maxId, id);
  return {
    format: SPLIT_FORMAT,
    version: SPLIT_VERSION,
    analysis: LEXICAL_SNAPSHOT_VERSION,
    options: index.options,
    docs: ids.length,
    maxId,
    totals,
    ocrWords: ocrWords.sort(),
    compression: o.deflate ? 'deflate-raw' : 'none',
    postings: await put(postings),
    postingsBytes: postings.byteLength,
    pages,
  };
}

function stale(why: string): GlimpseError {
  return new GlimpseError('StaleIndexError', `Split keyword index ${why}; make it again.`);
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Checks a parsed head; throws StaleIndexError for another version, other options than `expected`, or a malformed head. */
export function checkHead(json: unknown, expected?: LexicalOptions): SplitHead {
  const h = json as Partial<SplitHead> | null;
  if (h?.format !== SPLIT_FORMAT || h.version !== SPLIT_VERSION || h.analysis !== LEXICAL_SNAPSHOT_VERSION || !h.options) throw stale('is missing or from another version');
  if (expected && !same(h.options, expected)) throw stale('was built with other settings');
  const count = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 0;
  if (
    !count(h.docs) ||
    !count(h.maxId) ||
    !count(h.postingsBytes) ||
    typeof h.postings !== 'string' ||
    (h.compression !== 'none' && h.compression !== 'deflate-raw') ||
    !Array.isArray(h.totals) ||
    h.totals.length !== FIELD_COUNT ||
    !h.totals.every(count) ||
    !Array.isArray(h.ocrWords) ||
    !h.ocrWords.every((w) => typeof w === 'string') ||
    !Array.isArray(h.pages) ||
    !h.pages.every((p, i, all) => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string' && (i === 0 || (all[i - 1]![0] as string) < p[0]))
  )
    throw stale('is malformed');
  return h as SplitHead;
}

/** The directory page that would hold `key` (the last whose first key is ≤ key), or -1. */
export function pageOf(head: SplitHead, key: string): number {
  let lo = 0, hi = head.pages.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((head.pages[mid]![0] as string) <= key) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** A directory page's entries; throws RangeError when it does not decode or leaves the postings part. */
export function readPage(bytes: Uint8Array, postingsBytes: number): Map<string, DirEntry> {
  const r = new In(bytes);
  const n = r.uint();
  let at = r.uint();
  const out = new Map<string, DirEntry>();
  let prev = '';
  for (let i = 0; i < n; i++) {
    const shared = r.uint();
    if (shared > prev.length) throw new RangeError('bad key prefix');
    const key = prev.slice(0, shared) + r.chars();
    const df = r.uint();
    const size = r.uint();
    const length = Math.floor(size / 2);
    const checksum = r.u32();
    if (at + length > postingsBytes) throw new RangeError('an entry past the postings part');
    out.set(key, { df, deflated: size % 2 === 1, start: at, end: at + length, checksum });
    at += length;
    prev = key;
  }
  if (!r.done) throw new RangeError('trailing bytes');
  return out;
}

/** One term's postings: ids ascending; tf and the doc's field lengths, FIELD_COUNT per posting (length 0 where tf is 0). */
export interface SplitPostings {
  readonly length: number;
  readonly ids: Float64Array;
  readonly tf: Uint8Array;
  readonly lengths: Uint32Array;
}

export function readPostings(bytes: Uint8Array, df: number): SplitPostings {
  const r = new In(bytes);
  const ids = new Float64Array(df);
  const tf = new Uint8Array(df * FIELD_COUNT);
  const lengths = new Uint32Array(df * FIELD_COUNT);
  let id = 0;
  for (let i = 0; i < df; i++) {
    id += r.uint();
    ids[i] = id;
    const mask = r.uint();
    for (let f = 0; f < FIELD_COUNT; f++) {
      if (!(mask & (1 << f))) continue;
      tf[i * FIELD_COUNT + f] = r.uint();
      lengths[i * FIELD_COUNT + f] = r.uint();
    }
  }
  if (!r.done) throw new RangeError('trailing bytes');
  return { length: df, ids, tf, lengths };
}

/**
 * A subject key's triplets, flat: ids ascending, and each triplet's subject, relation and object
 * as indices into `words` (3 a triplet). A query's rerank reads the triplets of its few candidates
 * only, so no triplet becomes an object before then (a common subject's list holds tens of
 * thousands: made objects and grouped by id, they were most of a query's keyword time).
 */
export interface SplitTriplets {
  readonly length: number;
  readonly ids: Float64Array;
  readonly words: readonly string[];
  readonly sro: Uint32Array;
}

export function readTriplets(bytes: Uint8Array): SplitTriplets {
  const r = new In(bytes);
  const words = Array.from({ length: r.uint() }, () => r.chars());
  // Each triplet takes at least 4 bytes (an id delta and three indices), which bounds the count.
  const most = Math.floor((bytes.byteLength - r.at) / 4);
  const ids = new Float64Array(most), sro = new Uint32Array(most * 3);
  let id = 0, n = 0;
  while (!r.done) {
    id += r.uint();
    ids[n] = id;
    for (let j = 0; j < 3; j++) {
      const w = r.uint();
      if (w >= words.length) throw new RangeError('bad word index');
      sro[n * 3 + j] = w;
    }
    n++;
  }
  return { length: n, ids: ids.subarray(0, n), words, sro: sro.subarray(0, n * 3) };
}

/** Appends the triplets of `id` in `list` to `out`, in list order. */
export function tripletsOf(list: SplitTriplets, id: number, out: Triplet[]): void {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list.ids[mid] as number) < id) lo = mid + 1;
    else hi = mid;
  }
  const w = list.words, sro = list.sro;
  for (let i = lo; i < list.length && list.ids[i] === id; i++) {
    out.push({ s: w[sro[i * 3] as number]!, r: w[sro[i * 3 + 1] as number]!, o: w[sro[i * 3 + 2] as number]! });
  }
}
