// Photos shared to Glimpse (the manifest's share_target) wait here between the service worker,
// which receives the POST, and the page, which queues them for indexing. Cache Storage, because
// both sides have it, it keeps a File's bytes on disk (no copy in memory) and every engine stores
// a Response body. Each share gets a one-time key; the page takes its files and deletes them.
// Used by the service worker (share-target.ts) and by the page (src/ui/shared-files.ts).

/** The share URL, relative to the app (manifest share_target.action). */
export const SHARE_ACTION = 'share';
/** The form field that carries the files (manifest share_target.params.files[].name). */
export const SHARE_FIELD = 'photos';
/** The query parameter that hands the key to the page. */
export const SHARE_PARAM = 'share';
/** The key's value when the service worker could not read the shared form. */
export const SHARE_FAILED = 'failed';

const CACHE = 'glimpse-share';
const NAME = 'x-glimpse-name';
const MODIFIED = 'x-glimpse-modified';
const RECEIVED = 'x-glimpse-received';

/** The inbox entries of one key live under `<app>/share-inbox/<key>/<n>`. */
const prefix = (base: string, key: string): string => new URL(`share-inbox/${encodeURIComponent(key)}/`, base).href;

/** Stores the files under a fresh key and returns it. */
export async function putShared(base: string, files: readonly File[], now = Date.now()): Promise<string> {
  const key = crypto.randomUUID();
  const cache = await caches.open(CACHE);
  const at = prefix(base, key);
  await Promise.all(
    files.map((file, i) =>
      cache.put(
        `${at}${i}`,
        new Response(file, {
          headers: { 'content-type': file.type || 'application/octet-stream', [NAME]: encodeURIComponent(file.name), [MODIFIED]: String(file.lastModified), [RECEIVED]: String(now) },
        }),
      ),
    ),
  );
  return key;
}

/** The files shared under `key`, in the order they were shared (none for an unknown key). */
export async function takeShared(base: string, key: string): Promise<File[]> {
  const cache = await caches.open(CACHE);
  const at = prefix(base, key);
  const requests = (await cache.keys()).filter((r) => r.url.startsWith(at));
  requests.sort((a, b) => Number(a.url.slice(at.length)) - Number(b.url.slice(at.length)));
  const files: File[] = [];
  for (const request of requests) {
    const response = await cache.match(request);
    if (!response) continue;
    const name = decodeURIComponent(response.headers.get(NAME) ?? 'shared photo');
    const type = response.headers.get('content-type') ?? '';
    files.push(new File([await response.blob()], name, { type: type === 'application/octet-stream' ? '' : type, lastModified: Number(response.headers.get(MODIFIED)) || Date.now() }));
  }
  return files;
}

/** Deletes the files of `key`, and any other share older than `maxAgeMs` that no page took (a closed tab). */
export async function dropShared(base: string, key: string, maxAgeMs: number, now = Date.now()): Promise<void> {
  const cache = await caches.open(CACHE);
  const at = prefix(base, key);
  for (const request of await cache.keys()) {
    const mine = request.url.startsWith(at);
    if (mine || now - Number((await cache.match(request))?.headers.get(RECEIVED) ?? 0) > maxAgeMs) await cache.delete(request);
  }
}
