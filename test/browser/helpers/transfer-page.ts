// Export and import of the library file through the Settings page, as a person does it. Headless
// Chromium shows no save dialog: `stubSavePicker` makes showSaveFilePicker hand out a real
// FileSystemFileHandle in the origin private file system (the worker writes it as it would a
// picked file), and `dropSavePicker` removes the picker so the export downloads instead.
import { writeFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';

/** Before the page loads: the save picker returns an OPFS file handle named `picked-<suggested name>`. */
export async function stubSavePicker(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    (window as unknown as { showSaveFilePicker: unknown }).showSaveFilePicker = async (o: { suggestedName: string }) =>
      (await navigator.storage.getDirectory()).getFileHandle(`picked-${o.suggestedName}`, { create: true });
  });
}

/** Before the page loads: no save picker (as in Firefox and Safari), so the export is downloaded. */
export async function dropSavePicker(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    delete (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker;
    delete (Window.prototype as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker;
  });
}

export async function openSettings(page: Page): Promise<void> {
  if (!page.url().endsWith('#/settings')) await page.getByTestId('nav-settings').click();
  // Generous: on a loaded machine the page and its Settings render slowly.
  await page.getByTestId('export-library').waitFor({ timeout: 60_000 });
}

/** Clicks Export and waits for it to finish; returns what the page says. */
export async function exportLibrary(page: Page, timeout = 120_000): Promise<string> {
  await openSettings(page);
  await page.getByTestId('export-library').click({ timeout: 60_000 }); // enabled once the library's count is known
  const done = page.getByTestId('export-done');
  const failed = page.getByTestId('export-error');
  await done.or(failed).waitFor({ timeout });
  if (await failed.count()) throw new Error(`export failed: ${await failed.textContent()}`);
  return (await done.textContent()) ?? '';
}

/** The file the stubbed picker handed out, copied to `target` on disk. */
export async function savePickedFile(page: Page, target: string): Promise<number> {
  const b64 = await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    let name = '';
    for await (const key of (root as unknown as { keys(): AsyncIterable<string> }).keys()) if (key.startsWith('picked-')) name = key;
    const bytes = new Uint8Array(await (await (await root.getFileHandle(name)).getFile()).arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  });
  const bytes = Buffer.from(b64, 'base64');
  writeFileSync(target, bytes);
  return bytes.byteLength;
}

/** Exports through the download path; the downloaded file is saved to `target`. */
export async function exportByDownload(page: Page, target: string): Promise<string> {
  const download = page.waitForEvent('download');
  const text = await exportLibrary(page);
  await (await download).saveAs(target);
  return text;
}

/** Picks `file` in the import input; resolves with the import-done text, or rejects with the import-error text. */
export async function importFile(page: Page, file: string, timeout = 120_000): Promise<string> {
  await openSettings(page);
  const run = await importRun(page);
  await page.getByTestId('import-library').setInputFiles(file);
  return importOutcome(page, run + 1, timeout);
}

/** How many imports this page has started (the outcome on screen carries its run number). */
export async function importRun(page: Page): Promise<number> {
  const shown = page.locator('[data-testid="import-done"], [data-testid="import-error"]');
  return (await shown.count()) ? Number(await shown.first().getAttribute('data-run')) : 0;
}

/** Waits for import `run`'s outcome: the import-done text, or rejects with the import-error text. */
export async function importOutcome(page: Page, run: number, timeout = 120_000): Promise<string> {
  const done = page.locator(`[data-testid="import-done"][data-run="${run}"]`);
  const failed = page.locator(`[data-testid="import-error"][data-run="${run}"]`);
  await done.or(failed).waitFor({ timeout });
  if (await failed.count()) throw new ImportRefused((await failed.textContent()) ?? '');
  return (await done.textContent()) ?? '';
}

export class ImportRefused extends Error {}

/** Every image row as stored (without its id), sorted by SHA-256: what an import must carry over. */
export function storedRows(page: Page): Promise<unknown[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const r = indexedDB.open('glimpse');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const rows = await new Promise<Array<Record<string, unknown>>>((ok, fail) => {
      const r = db.transaction('images').objectStore('images').getAll();
      r.onsuccess = () => ok(r.result as Array<Record<string, unknown>>);
      r.onerror = () => fail(r.error);
    });
    db.close();
    return rows.map(({ id: _id, ...rest }) => rest).sort((a, b) => String(a.sha256).localeCompare(String(b.sha256)));
  });
}
