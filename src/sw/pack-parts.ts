// Pack parts kept for offline use (issue 15): one Cache Storage cache shared by the service worker
// (pack-cache.ts, which answers part requests from it first) and the pack reader
// (src/pack/pack-source.ts, which also fills it on a first visit the service worker does not
// control yet). Parts are immutable and named by their SHA-256, so a cached part is never stale;
// a byte range of a part is kept under its own key (the Cache API stores no 206 answers).
export const PACK_CACHE = 'glimpse-pack-parts-v1';
/** Set on an answer the service worker took from, or put into, the cache: the reader need not put it again. */
export const FROM_PACK_CACHE = 'x-glimpse-pack-cache';

/**
 * Set by the reader on a same-origin part request it did not find in this cache (its listing or a lookup):
 * the service worker leaves the request alone and the reader keeps what it gets. The service
 * worker's lookup, clone and put of every range cost more of a query than the reader's own keep
 * (bench:pack, first result 4.9/5.2 s against 4.3/4.4 s). Not sent cross-origin: a custom header
 * would cost a CORS preflight, so there the service worker answers and keeps.
 */
export const READER_MISSED = 'x-glimpse-pack-missed';

const PART = /\/p\/[0-9a-f]{64}$/;

export const isPackPart = (url: string): boolean => PART.test(new URL(url).pathname);

/** The cache key of a part, or of one byte range of it (`bytes=a-b`). */
export function partKey(url: string, range: string | null): string {
  if (!range) return url;
  const u = new URL(url);
  u.searchParams.set('glimpse-range', range.replace(/^bytes=/, ''));
  return u.href;
}

/** The cache key of range [a, b) of a part (what partKey gives for its Range header). */
export const rangeKey = (url: string, a: number, b: number): string => partKey(url, `bytes=${a}-${b - 1}`);

/** A cached range comes back as the 206 it was. */
export function asRange(cached: Response, range: string | null): Response {
  if (!range) return cached;
  return new Response(cached.body, { status: 206, headers: cached.headers });
}

/** What to keep of a good answer: a 206 becomes a 200 with the same bytes and headers (Content-Range kept). */
export async function storable(res: Response, extra: Record<string, string> = {}): Promise<Response> {
  const headers = new Headers(res.headers);
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  return new Response(await res.clone().arrayBuffer(), { status: 200, headers });
}

const RANGES = 'glimpse-ranges';

/**
 * The cache key of several ranges [a, b) of one part kept as one entry, their bytes back to back
 * in this order: the reader keeps a round's ranges with one write (a write per range cost the
 * worker more than the query's own work: bench:pack --profile-later).
 */
export function rangesKey(url: string, ranges: readonly (readonly [number, number])[]): string {
  const u = new URL(url);
  u.searchParams.set(RANGES, ranges.map(([a, b]) => `${a}-${b - 1}`).join(','));
  return u.href;
}

/** The part and the ranges [a, b) of a rangesKey, or undefined for any other key. */
export function rangesOfKey(key: string): { url: string; ranges: [number, number][] } | undefined {
  const u = new URL(key);
  const list = u.searchParams.get(RANGES);
  if (list === null) return undefined;
  u.searchParams.delete(RANGES);
  const ranges = list.split(',').map((r) => r.split('-').map(Number)).map(([a, b]) => [a!, b! + 1] as [number, number]);
  return ranges.every(([a, b]) => Number.isSafeInteger(a) && Number.isSafeInteger(b) && b > a) ? { url: u.href, ranges } : undefined;
}
