import type { Browser } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { sharedImages } from './helpers/app-page';
import { killLoop } from './helpers/interrupt';
import { useBrowser } from './helpers/use-browser';

// Indexing survives being cut off anywhere: 12 photos queued through the UI, then 10 times the
// page is closed or its renderer crashed at a random (seeded) moment while a photo is being
// described, and reopened. In the end every photo is in the library exactly once, the forests
// agree with the stored rows and vectors (0 problems), and the queue is empty. Ten seeded kills
// (closes and crashes both) keep the suite short; `npm run bench:reliability -- --kills 20` runs more.
describe('interrupted indexing', () => {
  let browser: Browser;
  const url = inject('baseURL');

  useBrowser((b) => (browser = b));

  it('10 closes and crashes at random moments: each photo indexed once, 0 problems', async () => {
    const context = await browser.newContext();
    try {
      // The pool covers the worst case: the queue runs dry before every kill and 4 are added each time.
      const r = await killLoop(context, url, { pool: sharedImages(20 + 12 + 4 * 10).slice(20), initial: 12, topUp: 4, kills: 10, seed: 6, maxDelayMs: 1500, log: process.env.VERBOSE ? console.log : undefined });
      expect(r.kills).toBe(10);
      expect(r.closes).toBeGreaterThan(0);
      expect(r.crashes).toBeGreaterThan(0);
      expect(r.added.length).toBeGreaterThanOrEqual(12);
      expect([...r.indexed].sort()).toEqual([...r.added].sort());
      expect(r.lost).toBe(0);
      expect(r.duplicated).toBe(0);
      expect(r.report.problems).toEqual([]);
      expect(r.report.counts).toMatchObject({ images: r.added.length, text: r.added.length, visual: r.added.length, queue: 0 });
      expect(r.queueLeft).toBe(0);
    } finally {
      await context.close();
    }
    // ~1.5–2 min on 2 busy cores (each reopen reloads the models); headroom for a busier machine.
  }, 300_000);
});
