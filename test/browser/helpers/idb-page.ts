// Reads and edits the app's image rows straight in the page's IndexedDB, behind the app's back:
// for tests that need a stored state the UI cannot make (an older model's records, hostile captions).
import type { Page } from 'playwright-core';

export interface StoredRecord {
  captions: string[];
  tags: string[];
  models: { captioner: string; embedder: string };
}

/** Every image row's analytics record, in id order. */
export function storedRecords(page: Page): Promise<StoredRecord[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const r = indexedDB.open('glimpse');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const rows = await new Promise<Array<{ record: StoredRecord }>>((ok) => {
      const r = db.transaction('images').objectStore('images').getAll();
      r.onsuccess = () => ok(r.result as Array<{ record: StoredRecord }>);
    });
    db.close();
    return rows.map((row) => row.record);
  });
}

/** Rewrites every image row's record: `edit` names what to set (captions/tags are put first, models replaced). */
export function editRecords(page: Page, edit: { prependCaption?: string; embedder?: string }): Promise<void> {
  return page.evaluate(async (e) => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const r = indexedDB.open('glimpse');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const tx = db.transaction('images', 'readwrite');
    const store = tx.objectStore('images');
    const r = store.getAll();
    r.onsuccess = () => {
      for (const row of r.result as Array<{ record: StoredRecord }>) {
        if (e.prependCaption !== undefined) {
          row.record.captions = [e.prependCaption, ...row.record.captions];
          row.record.tags = [e.prependCaption, ...row.record.tags];
        }
        if (e.embedder !== undefined) row.record.models.embedder = e.embedder;
        store.put(row);
      }
    };
    await new Promise((ok) => (tx.oncomplete = ok));
    db.close();
  }, edit);
}

/**
 * Runs in the page (pass it to any driver's evaluate): images in the person's own library database,
 * 0 when it does not exist (a pack open never creates or writes it).
 */
export async function ownImageCount(): Promise<number> {
  if (!(await indexedDB.databases()).some((d) => d.name === 'glimpse')) return 0;
  const db = await new Promise<IDBDatabase>((ok, fail) => {
    const r = indexedDB.open('glimpse');
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  const n = await new Promise<number>((ok, fail) => {
    const r = db.transaction('images').objectStore('images').count();
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  db.close();
  return n;
}
