// PackSource's ranged reads: neighbours go in one request, a range asked again while it is on its
// way is not asked twice (the page's re-run of the first search read every block twice:
// bench:pack --trace), a read range is kept, and a failed one is asked again later.
import { describe, expect, it } from 'vitest';
import { PackError, type PackManifest } from '../../src/core/pack/format';
import { PackSource, type PartBytes, type PartReader } from '../../src/pack/pack-source';

/** A reader over one part of 64 KB whose answers wait until `release` (to hold reads in flight). */
function slowReader(): { reader: PartReader; asked: (readonly [number, number])[]; release: () => void; fail: { next: boolean } } {
  const part = Uint8Array.from({ length: 65536 }, (_, i) => i % 251);
  const asked: (readonly [number, number])[] = [];
  let open!: () => void;
  let gate = new Promise<void>((ok) => (open = ok));
  const fail = { next: false };
  const reader: PartReader = {
    label: 'test pack',
    again: 'again',
    remake: 'remake',
    error: (why) => new PackError('test pack', why),
    manifest: () => Promise.resolve(new TextEncoder().encode('{}')),
    read: async (_hash, range): Promise<PartBytes> => {
      asked.push(range!);
      await gate;
      if (fail.next) {
        fail.next = false;
        throw new Error('network down');
      }
      return { bytes: part.slice(range![0], range![1]), fetched: true };
    },
  };
  return {
    reader,
    asked,
    fail,
    release: () => {
      open();
      gate = new Promise<void>((ok) => (open = ok));
    },
  };
}

const open = (reader: PartReader): Promise<PackSource> => PackSource.from(reader, () => ({}) as PackManifest);
const H = 'a'.repeat(64);

describe('PackSource ranged reads', () => {
  it('asks a range on its way once, keeps it, and neighbours go in one request', async () => {
    const { reader, asked, release } = slowReader();
    const source = await open(reader);
    const first = source.byteRanges(H, [[0, 100], [200, 300], [40000, 40100]]);
    const second = source.byteRanges(H, [[200, 300], [40000, 40100]]);
    const vectors = source.slices(H, [500, 2], 100);
    release();
    const [a, b, v] = await Promise.all([first, second, vectors]);
    // [0,100) and [200,300) are within 8 KB: one request; the second call and the slice of [200,300) wait for it.
    expect(asked).toEqual([[0, 300], [40000, 40100], [50000, 50100]]);
    expect(b[0]).toEqual(a[1]);
    expect(b[1]).toEqual(a[2]);
    expect(Array.from(v.get(2)!.subarray(0, 3))).toEqual([200 % 251, 201 % 251, 202 % 251]);
    expect(v.get(500)!.byteLength).toBe(100);
    expect(source.fetchedBytes).toBe(300 + 100 + 100);
    // Kept: asked again, nothing is fetched.
    const n = asked.length;
    expect(await source.byteRanges(H, [[200, 300]])).toEqual([a[1]]);
    expect(asked.length).toBe(n);
  });

  it('a failed range is asked again by a later read', async () => {
    const { reader, asked, release, fail } = slowReader();
    const source = await open(reader);
    fail.next = true;
    const failed = source.byteRanges(H, [[0, 10]]);
    const waiting = source.byteRanges(H, [[0, 10]]);
    release();
    await expect(failed).rejects.toThrow('network down');
    await expect(waiting).rejects.toThrow('network down');
    const again = source.byteRanges(H, [[0, 10]]);
    release();
    expect((await again)[0]!.byteLength).toBe(10);
    expect(asked).toEqual([[0, 10], [0, 10]]);
  });
});
