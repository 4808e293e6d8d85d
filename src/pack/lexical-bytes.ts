// The lexical snapshot as one byte string (a pack part): a JSON header (options, word and term
// lists, array kinds and lengths), then the typed arrays, each 8-byte aligned, little-endian as
// every browser and Node on x86/ARM is. fromSnapshot checks what comes back.
import { toSnapshot, fromSnapshot, type LexicalSnapshot } from '../core/text/lexical-snapshot';
import type { LexicalIndex } from '../core/text/lexical-index';
import type { LexicalOptions } from '../core/text/lexical-types';

const ARRAYS = ['ids', 'lengths', 'docOffsets', 'docText', 'postingOffsets', 'postingSlots', 'postingTf'] as const;
type ArrayField = (typeof ARRAYS)[number];
const KINDS = { Float64Array, Uint32Array, Uint16Array, Uint8Array } as const;
type Kind = keyof typeof KINDS;

const align = (n: number): number => (n + 7) & ~7;

export function encodeLexical(index: LexicalIndex): Uint8Array {
  const s = toSnapshot(index);
  const arrays = ARRAYS.map((f) => ({ field: f, kind: s[f].constructor.name as Kind, length: s[f].length }));
  const header = new TextEncoder().encode(JSON.stringify({ format: s.format, version: s.version, options: s.options, words: s.words, terms: s.terms, arrays }));
  let size = align(4 + header.length);
  for (const f of ARRAYS) size += align(s[f].byteLength);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  let at = align(4 + header.length);
  for (const f of ARRAYS) {
    out.set(new Uint8Array(s[f].buffer, s[f].byteOffset, s[f].byteLength), at);
    at += align(s[f].byteLength);
  }
  return out;
}

/** Throws StaleIndexError (fromSnapshot) or RangeError when the bytes do not hold a snapshot. */
export function decodeLexical(bytes: Uint8Array, expected?: LexicalOptions): LexicalIndex {
  const copy = bytes.slice(); // own, aligned buffer
  const len = new DataView(copy.buffer).getUint32(0, true);
  const h = JSON.parse(new TextDecoder().decode(copy.subarray(4, 4 + len))) as Omit<LexicalSnapshot, ArrayField> & { arrays: { field: ArrayField; kind: Kind; length: number }[] };
  const snap: Record<string, unknown> = { format: h.format, version: h.version, options: h.options, words: h.words, terms: h.terms };
  let at = align(4 + len);
  for (const a of h.arrays) {
    const T = KINDS[a.kind];
    if (!T || !ARRAYS.includes(a.field)) throw new RangeError(`unknown array ${a.field}:${a.kind}`);
    snap[a.field] = new T(copy.buffer, at, a.length);
    at += align(a.length * T.BYTES_PER_ELEMENT);
  }
  return fromSnapshot(snap, expected);
}
