// The checks shared by the two ways storage runs out (test/browser/storage-full.test.ts, a
// simulated quota; disk-full.test.ts, a real full tmpfs): the queue pauses with a named message,
// what was stored stays, and after space is freed Resume indexes the rest, each photo once.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { CheckReport } from '../../../src/bridge/bridge';
import { expectStopped, imageCount, waitIndexed } from './app-page';

/** Names in the library, names still queued, and the consistency check's problems. */
export function libraryState(page: Page): Promise<{ stored: string[]; queued: string[]; problems: CheckReport['problems']; queueLeft: number }> {
  return page.evaluate(async () => {
    const g = window.__glimpse!;
    const [items, queue, report] = await Promise.all([g.listLibrary(), g.queuedFiles(), g.checkLibrary()]);
    return { stored: items.map((i) => i.name), queued: queue.map((q) => q.name), problems: report.problems, queueLeft: report.counts.queue };
  });
}

/**
 * Storage ran out while `names` were being indexed, the first `kept` of them already in: the alert
 * names the photo and what to do, the queue has stopped, the library holds `kept` or more but not
 * all, and every photo is either stored or still queued, with 0 problems. Returns how many are stored.
 */
export async function expectPausedFull(page: Page, names: readonly string[], kept: number): Promise<number> {
  const notice = page.getByRole('alert').filter({ hasText: 'storage is full' });
  await notice.waitFor({ timeout: 120_000 });
  expect(await notice.textContent()).toMatch(/^The device storage is full while adding .+\.jpg\. Free some space or remove images, then press Resume\.$/);
  await page.getByTestId('index-resume').waitFor();
  const stored = await imageCount(page);
  expect(stored).toBeGreaterThanOrEqual(kept);
  expect(stored).toBeLessThan(names.length);
  // Paused: the run has stopped and the rest waits in the stored queue.
  await expectStopped(page, stored, names.length);
  const state = await libraryState(page);
  expect(state.stored).toHaveLength(stored);
  expect(state.stored).toEqual(expect.arrayContaining(names.slice(0, kept)));
  expect([...state.stored, ...state.queued].sort()).toEqual([...names].sort());
  expect(state.problems).toEqual([]);
  return stored;
}

/** Queueing more while storage is full says so, and the stored queue stays as it was. */
export async function expectQueueingRefused(page: Page, files: string[]): Promise<void> {
  const before = await page.evaluate(async () => (await window.__glimpse!.queuedFiles()).length);
  await page.getByTestId('add-files').setInputFiles(files);
  await page.getByRole('alert').filter({ hasText: 'add the photos again' }).waitFor({ timeout: 60_000 });
  expect(await page.evaluate(async () => (await window.__glimpse!.queuedFiles()).length)).toBe(before);
}

/** Space is back: Resume indexes the rest, each of `names` once, no alert left, 0 problems and no console errors. */
export async function expectResumedAll(page: Page, names: readonly string[], errors: string[]): Promise<void> {
  await page.getByTestId('index-resume').click();
  await waitIndexed(page);
  expect(await imageCount(page)).toBe(names.length);
  expect(await page.getByRole('alert').count()).toBe(0);
  const state = await libraryState(page);
  expect(state.stored.sort()).toEqual([...names].sort());
  expect(state.problems).toEqual([]);
  expect(state.queueLeft).toBe(0);
  expect(errors).toEqual([]);
}
