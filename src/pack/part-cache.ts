// The reader's side of the part cache (Cache Storage, src/sw/pack-parts.ts): what a visit read is
// kept there for offline use. The cache is listed once per worker instead of looked up before
// every range (each lookup is a round trip to the browser's cache, and a query's ~75 vector
// ranges went out one after another as their lookups missed: bench:pack --timeline), and the
// ranges fetched together are kept as one entry (rangesKey) instead of one write each.
import { PACK_CACHE, rangeKey, rangesKey, rangesOfKey } from '../sw/pack-parts';

let opened: Promise<Cache | undefined> | undefined;

/** Cache Storage where the platform has it (not in Node), opened once; a refused open only loses the offline copy. */
export function packCache(): Promise<Cache | undefined> {
  opened ??= typeof caches === 'undefined' ? Promise.resolve(undefined) : caches.open(PACK_CACHE).catch(() => undefined);
  return opened;
}

/** Where a part or a range is kept: the entry `key`, whole (length < 0) or the slice [at, at + length). */
interface Where {
  key: string;
  at: number;
  length: number;
}

let listing: Promise<Map<string, Where> | undefined> | undefined;

/** Every kept part and range by its own key (partKey), from the cache's keys. */
function indexOf(keys: readonly string[]): Map<string, Where> {
  const index = new Map<string, Where>();
  for (const key of keys) {
    const many = rangesOfKey(key);
    if (!many) {
      index.set(key, { key, at: 0, length: -1 });
      continue;
    }
    let at = 0;
    for (const [a, b] of many.ranges) {
      index.set(rangeKey(many.url, a, b), { key, at, length: b - a });
      at += b - a;
    }
  }
  return index;
}

/** The cache's index, listed once per worker and kept up to date with what this worker keeps; undefined when it cannot be listed. */
function keptIndex(): Promise<Map<string, Where> | undefined> {
  listing ??= packCache()
    .then(async (cache) => cache && indexOf((await cache.keys()).map((r) => r.url)))
    .catch(() => undefined);
  return listing;
}

/** Bodies of entries holding several ranges, read once for the ranges of one round (the last few). */
const bodies = new Map<string, Promise<Uint8Array<ArrayBuffer> | undefined>>();
const BODIES_KEPT = 8;

function body(cache: Cache, key: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
  let b = bodies.get(key);
  if (!b) {
    b = cache
      .match(key)
      .then(async (hit) => hit && new Uint8Array(await hit.arrayBuffer()))
      .catch(() => undefined);
    bodies.set(key, b);
    // A failed read is not remembered: the next round looks again.
    void b.then((got) => got === undefined && bodies.get(key) === b && bodies.delete(key));
    if (bodies.size > BODIES_KEPT) bodies.delete(bodies.keys().next().value!);
  }
  return b;
}

/**
 * The bytes kept under `key` (a part, or one range of one: partKey). Only what the listing knows
 * is looked up, unless `anyway` (offline: another tab, or the service worker, may have kept it
 * since); when the cache cannot be listed, everything is.
 */
export async function keptBytes(key: string, anyway = false): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const [cache, index] = await Promise.all([packCache(), keptIndex()]);
  if (!cache) return undefined;
  const where = index?.get(key) ?? (anyway || !index ? { key, at: 0, length: -1 } : undefined);
  if (!where) return undefined;
  if (where.length < 0) {
    const hit = await cache.match(where.key).catch(() => undefined);
    return hit && new Uint8Array(await hit.arrayBuffer());
  }
  // A slice (a copy): the caller may hand its buffer on (transfer), the body stays whole for the round's other ranges.
  const bytes = await body(cache, where.key);
  return bytes && bytes.byteLength >= where.at + where.length ? bytes.slice(where.at, where.at + where.length) : undefined;
}

/** Keeps a whole part (or a host's whole answer to a range) under `url`. */
export async function keepPart(url: string, bytes: Uint8Array<ArrayBuffer>, headers?: Headers): Promise<void> {
  const cache = await packCache();
  if (!cache) return;
  await cache.put(url, new Response(bytes, { status: 200, headers })).then(
    async () => (await keptIndex())?.set(url, { key: url, at: 0, length: -1 }),
    () => {}, // a full disk only loses the offline copy
  );
}

/** Keeps ranges [a, b) of the part at `url`, fetched together, as one entry. */
export async function keepRanges(url: string, runs: readonly { a: number; b: number; bytes: Uint8Array }[]): Promise<void> {
  const cache = await packCache();
  if (!cache || runs.length === 0) return;
  const key = rangesKey(url, runs.map((r) => [r.a, r.b] as const));
  const all = new Uint8Array(runs.reduce((n, r) => n + r.bytes.byteLength, 0));
  let at = 0;
  for (const r of runs) {
    all.set(r.bytes, at);
    at += r.bytes.byteLength;
  }
  await cache.put(key, new Response(all, { status: 200 })).then(
    async () => {
      const index = await keptIndex();
      if (index) for (const [k, w] of indexOf([key])) index.set(k, w);
    },
    () => {},
  );
}
