// Fills an origin's storage quota from inside the page with IndexedDB databases of its own (not the
// app's): Chromium counts them against the same quota as the library, and deleting one gives its
// space back at once (deleting rows would not: LevelDB only appends until it compacts).
import type { Page } from 'playwright-core';

/** Writes random (incompressible) chunks into database `name` until the quota refuses one, down to
 *  `minChunk` bytes. Returns the bytes stored and the refusal's name and message. */
export function fillQuota(page: Page, name: string, minChunk = 16 << 10): Promise<{ bytes: number; refusal: string }> {
  return page.evaluate(
    async ({ name, minChunk }) => {
      const db = await new Promise<IDBDatabase>((ok, no) => {
        const r = indexedDB.open(name, 1);
        r.onupgradeneeded = () => r.result.createObjectStore('chunks');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => no(r.error);
      });
      const put = (key: number, size: number): Promise<DOMException | null> =>
        new Promise((done) => {
          const bytes = new Uint8Array(size);
          for (let o = 0; o < size; o += 65536) crypto.getRandomValues(bytes.subarray(o, Math.min(size, o + 65536)));
          const tx = db.transaction('chunks', 'readwrite');
          tx.objectStore('chunks').put(bytes, key);
          tx.oncomplete = () => done(null);
          tx.onabort = () => done(tx.error ?? new DOMException('aborted', 'AbortError'));
        });
      let bytes = 0;
      let key = 0;
      let refusal = '';
      for (let size = 4 << 20; size >= minChunk; size >>= 2) {
        for (;;) {
          const err = await put(key++, size);
          if (err) {
            refusal = `${err.name}: ${err.message}`;
            break;
          }
          bytes += size;
        }
      }
      db.close();
      return { bytes, refusal };
    },
    { name, minChunk },
  );
}

/** Deletes database `name` (its files go at once). */
export async function dropDatabase(page: Page, name: string): Promise<void> {
  await page.evaluate(
    (name) =>
      new Promise<void>((ok, no) => {
        const r = indexedDB.deleteDatabase(name);
        r.onsuccess = () => ok();
        r.onerror = () => no(r.error);
      }),
    name,
  );
}
