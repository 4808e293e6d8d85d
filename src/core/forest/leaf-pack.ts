// How the cache holds a leaf that carries no sketch rows: its slots ascending, as 2-byte gaps
// (4 bytes for a gap of 2^15 or more). At 1M × 384 (16 trees, leaf size 200) all leaves take
// about 34 MB this way against 64 MB as stored, so with the node pages and the sketch table every
// leaf fits a 10 % memory budget and a query reads no leaf. Unpacking a leaf is a ~200-step loop.

import { leafBytes } from './leaf-codec.ts';

const LONG = 0x8000;

export class PackedLeaf {
  constructor(
    readonly count: number,
    readonly gaps: Uint16Array,
  ) {}

  /** Bytes charged to the cache: the gaps plus an empty leaf block's worth for the object. */
  get cost(): number {
    return this.gaps.byteLength + leafBytes(0);
  }
}

export function packLeaf(slots: Uint32Array): PackedLeaf {
  let sorted = slots;
  for (let i = 1; i < slots.length; i++) {
    if (slots[i] < slots[i - 1]) {
      sorted = slots.slice().sort();
      break;
    }
  }
  const out = new Uint16Array(2 * sorted.length);
  let n = 0, prev = 0;
  for (let i = 0; i < sorted.length; i++) {
    const gap = sorted[i] - prev;
    prev = sorted[i];
    if (gap < LONG) out[n++] = gap;
    else {
      if (gap >= 2 ** 31) throw new RangeError(`slot ${sorted[i]} is beyond what a packed leaf holds (2^31)`);
      out[n++] = LONG | (gap >>> 16);
      out[n++] = gap & 0xffff;
    }
  }
  return new PackedLeaf(sorted.length, out.slice(0, n));
}

export function unpackLeaf(p: PackedLeaf): Uint32Array {
  const out = new Uint32Array(p.count), g = p.gaps;
  let slot = 0;
  for (let i = 0, j = 0; i < p.count; i++) {
    const v = g[j++];
    slot += v < LONG ? v : ((v & (LONG - 1)) * 65536 + g[j++]);
    out[i] = slot;
  }
  return out;
}
