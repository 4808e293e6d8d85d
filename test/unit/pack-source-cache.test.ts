// HttpParts and the part cache (Cache Storage, faked here): the reader lists the cache once, so a
// range it has not kept goes to the network with no lookup first (a lookup per range delayed a
// query's requests: bench:pack --timeline); the ranges of a round are kept as one entry and then
// read from the cache, by this worker and the next; a range kept after the listing (by another
// tab, or the service worker) still answers offline.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const HASH = 'ab'.repeat(32);
const PART = Uint8Array.from({ length: 4096 }, (_, i) => i % 253);

class FakeCache {
  readonly entries = new Map<string, Uint8Array>();
  lookups = 0;
  match(key: string): Promise<Response | undefined> {
    this.lookups++;
    const bytes = this.entries.get(key);
    return Promise.resolve(bytes && new Response(bytes.slice()));
  }
  async put(key: string, res: Response): Promise<void> {
    this.entries.set(key, new Uint8Array(await res.arrayBuffer()));
  }
  keys(): Promise<{ url: string }[]> {
    return Promise.resolve([...this.entries.keys()].map((url) => ({ url })));
  }
}

let cache: FakeCache;
let offline: boolean;
let fetched: string[];

beforeEach(() => {
  cache = new FakeCache();
  offline = false;
  fetched = [];
  vi.stubGlobal('caches', { open: () => Promise.resolve(cache) });
  vi.stubGlobal('fetch', (url: string, init: { headers: Record<string, string> }) => {
    if (offline) return Promise.reject(new TypeError('Failed to fetch'));
    const range = init.headers.range;
    fetched.push(range ?? 'whole');
    if (!range) return Promise.resolve(new Response(PART.slice(), { status: 200 }));
    const [a, b] = range.replace('bytes=', '').split('-').map(Number) as [number, number];
    return Promise.resolve(new Response(PART.slice(a, b + 1), { status: 206, headers: { 'content-range': `bytes ${a}-${b}/${PART.length}` } }));
  });
  // The reader lists the cache once per worker (a module-level promise): each test gets a fresh module.
  vi.resetModules();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

async function parts(): Promise<import('../../src/pack/pack-source').HttpParts> {
  const { HttpParts } = await import('../../src/pack/pack-source');
  return new HttpParts('https://example.org/pack/', 'https://example.org/');
}

/** The cache's puts run off the read's path: wait until `n` entries are there. */
const kept = (n: number): Promise<void> => vi.waitFor(() => expect(cache.entries.size).toBe(n));

describe('HttpParts and the part cache', () => {
  it('a range not in the cache goes to the network with no lookup, is kept, and is then read from the cache', async () => {
    const reader = await parts();
    const got = await reader.read(HASH, [100, 200]);
    expect(got.fetched).toBe(true);
    expect([...got.bytes]).toEqual([...PART.slice(100, 200)]);
    expect(cache.lookups).toBe(0);
    await kept(1);

    const again = await reader.read(HASH, [100, 200]);
    expect(again.fetched).toBe(false);
    expect([...again.bytes]).toEqual([...PART.slice(100, 200)]);
    expect(fetched).toEqual(['bytes=100-199']);
    expect(cache.lookups).toBe(1);
  });

  it('a whole part is kept only when asked (once checked), then read from the cache by the next worker', async () => {
    const got = await (await parts()).read(HASH);
    expect(got.fetched).toBe(true);
    await new Promise((ok) => setTimeout(ok, 10));
    expect(cache.entries.size).toBe(0);
    await got.keep!();
    expect(cache.entries.size).toBe(1);

    vi.resetModules(); // a new worker lists the cache again
    offline = true;
    const next = await (await parts()).read(HASH);
    expect(next.fetched).toBe(false);
    expect([...next.bytes]).toEqual([...PART]);
  });

  it('ranges read together are kept as one entry, and each is read back from it offline by the next worker', async () => {
    const runs = [[0, 100], [1000, 1300], [2048, 2050]] as const;
    const reads = (await parts()).readRanges(HASH, runs);
    const got = await Promise.all(reads);
    expect(got.map((g) => g.fetched)).toEqual([true, true, true]);
    await kept(1);
    expect([...cache.entries.keys()][0]).toContain('glimpse-ranges=0-99%2C1000-1299%2C2048-2049');

    vi.resetModules(); // a new worker lists the cache again
    offline = true;
    cache.lookups = 0;
    const again = await Promise.all((await parts()).readRanges(HASH, runs));
    runs.forEach(([a, b], i) => {
      expect(again[i]!.fetched).toBe(false);
      expect([...again[i]!.bytes]).toEqual([...PART.slice(a, b)]);
    });
    expect(cache.lookups).toBe(1); // the entry is read once for the three
    expect(fetched).toEqual(['bytes=0-99', 'bytes=1000-1299', 'bytes=2048-2049']);
  });

  it('offline: a range kept after the listing (by another tab) is still read from the cache', async () => {
    const reader = await parts();
    await reader.read(HASH, [0, 10]); // the listing is made: the cache held nothing then
    await kept(1);
    cache.entries.set(`https://example.org/pack/p/${HASH}?glimpse-range=300-399`, PART.slice(300, 400));
    offline = true;
    const got = await reader.read(HASH, [300, 400]);
    expect(got.fetched).toBe(false);
    expect([...got.bytes]).toEqual([...PART.slice(300, 400)]);
    await expect(reader.read(HASH, [500, 600])).rejects.toMatchObject({ name: 'PackUnreadableError' });
  });
});
