import { describe, expect, it } from 'vitest';
import { packLeaf, unpackLeaf } from '../../src/core/forest/leaf-pack.ts';

describe('packed leaves', () => {
  it('round-trips slots ascending, with short and long gaps, in fewer bytes', () => {
    const slots = Uint32Array.of(0, 1, 32767, 65535, 65536, 2_000_000, 2_000_001, 2 ** 31 - 1);
    const p = packLeaf(slots);
    expect([...unpackLeaf(p)]).toEqual([...slots]);
    // Gaps: 0, 1 short; 32766 short; 32768 long; 1 short; 1934464 long; 1 short; 2^31−2000002 long.
    expect(p.gaps.length).toBe(5 + 2 * 3);
    expect(unpackLeaf(packLeaf(new Uint32Array(0))).length).toBe(0);
  });

  it('sorts slots of a leaf written unsorted (before slots were stored ascending)', () => {
    const slots = Uint32Array.of(900_000, 7, 40_000, 3);
    expect([...unpackLeaf(packLeaf(slots))]).toEqual([3, 7, 40_000, 900_000]);
    expect([...slots]).toEqual([900_000, 7, 40_000, 3]); // the caller's array is left alone
  });

  it('refuses a slot it cannot hold', () => {
    expect(() => packLeaf(Uint32Array.of(2 ** 31))).toThrow(RangeError);
  });
});
