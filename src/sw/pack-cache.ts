// The service worker's part of offline packs (pack-parts.ts): a request for a pack part is
// answered from the cache first, else fetched and kept. Cache-first is safe: a part's name is the
// SHA-256 of its bytes, and the reader checks every whole part it gets against it.
import { asRange, FROM_PACK_CACHE, isPackPart, PACK_CACHE, partKey, READER_MISSED, storable } from './pack-parts';

declare const self: ServiceWorkerGlobalScope;

const opened = (): Promise<Cache> => caches.open(PACK_CACHE);

/** The answer goes back as soon as it is here; keeping it runs after (`keep`, given to waitUntil), off the query's path. */
async function part(request: Request, keep: (p: Promise<unknown>) => void): Promise<Response> {
  const range = request.headers.get('range');
  const key = partKey(request.url, range);
  const cache = await opened();
  const hit = await cache.match(key);
  if (hit) return asRange(hit, range);
  const res = await fetch(request);
  // A host that ignores Range answers 200 with the whole part: kept under the part's own key.
  if (res.status === 200 || (res.status === 206 && range)) {
    const kept = await storable(res, { [FROM_PACK_CACHE]: 'sw' });
    keep(cache.put(res.status === 200 ? request.url : key, kept.clone()).catch(() => {})); // a full disk only loses the offline copy
    return asRange(kept, res.status === 206 ? range : null);
  }
  return res;
}

self.addEventListener('fetch', (event) => {
  if (event.request.method !== 'GET' || !isPackPart(event.request.url)) return;
  // The reader just missed in this cache and keeps what it gets itself (pack-source.ts): the
  // request goes to the network untouched.
  if (event.request.headers.has(READER_MISSED)) return;
  event.respondWith(part(event.request, (p) => event.waitUntil(p)));
});
