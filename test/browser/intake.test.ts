import { createHash } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeBadFiles, type BadFile } from '../fixtures/bad-files';
import { concat, noise } from '../fixtures/craft';
import { launch, openPage } from './helpers/browser';
import { inspectInPage, type InspectSummary } from './helpers/intake-page';

// Every corpus file goes through the built app's intake worker in real Chromium: each one is
// indexed or rejected with a named reason, none crashes or hangs, and the batch goes on.
const PER_FILE_MS = 10_000;
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('image intake in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const dialogs: string[] = [];
  let files: BadFile[];
  const results = new Map<string, InspectSummary>();
  const url = inject('baseURL');

  beforeAll(async () => {
    [browser, files] = await Promise.all([launch(), makeBadFiles()]);
    const context = await browser.newContext();
    ({ page, errors } = await openPage(context, `${url}?testHooks`));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('crash', () => errors.push('page crashed'));
    await page.waitForFunction(() => '__glimpse' in window);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('indexes or rejects every file with a reason naming it, and keeps going after each bad one', async () => {
    const control = files.find((f) => f.name === 'control.jpg') as BadFile;
    for (const file of files) {
      const r = await inspectInPage(page, file, { timeoutMs: PER_FILE_MS, modelSize: 64 });
      results.set(file.name, r);
      const label = `${file.name} (${file.kind}): ${JSON.stringify(r)}`;
      expect.soft(r.ms, label).toBeLessThan(PER_FILE_MS);
      if (r.ok) {
        expect.soft(file.expect === 'indexed' || file.either, label).toBe(true);
        expect.soft(r.sha256, label).toBe(sha256(file.bytes));
        expect.soft(r.thumbType, label).toBe('image/webp');
        expect.soft(r.thumbBytes, label).toBeGreaterThan(0);
        expect.soft(Math.max(r.thumbWidth, r.thumbHeight), label).toBeLessThanOrEqual(256);
        expect.soft(Math.abs(r.thumbWidth / r.thumbHeight - r.width / r.height), label).toBeLessThan(0.02);
        if (file.size && !file.either) expect.soft([r.width, r.height], label).toEqual(file.size);
        expect.soft(r.pixels?.minAlpha, label).toBe(255);
        expect.soft(Math.max(r.pixels?.width ?? 0, r.pixels?.height ?? 0), label).toBe(Math.min(64, Math.max(r.width, r.height)));
      } else {
        expect.soft(file.expect === 'rejected' || file.either, label).toBe(true);
        expect.soft(r.name, label).toBe('ImageRejectedError');
        expect.soft(r.message, label).toContain(file.name);
        if (!file.either) expect.soft(r.code, label).toBe(file.code);
        // The batch continues: the same worker still indexes a good photo right after.
        const next = await inspectInPage(page, control, { timeoutMs: PER_FILE_MS });
        expect.soft(next.ok, `control after ${file.name}`).toBe(true);
      }
    }
    expect(results.size).toBe(files.length);
  });

  it('applies EXIF orientation 6: stored 800×600 comes out 600×800', () => {
    const r = results.get('rotated-6.jpg');
    expect(r).toMatchObject({ ok: true, width: 600, height: 800, orientation: 6, thumbWidth: 192, thumbHeight: 256 });
  });

  it('decodes CMYK, 16-bit and grey+alpha to the right colours (model pixels, on white)', () => {
    for (const file of files.filter((f) => f.meanRgb)) {
      const r = results.get(file.name);
      expect(r?.ok, file.name).toBe(true);
      const mean = r?.ok ? r.pixels?.meanRgb : undefined;
      file.meanRgb?.forEach((v, i) => expect(Math.abs((mean?.[i] ?? -99) - v), `${file.name} channel ${i}: ${String(mean)} vs ${String(file.meanRgb)}`).toBeLessThan(file.meanTolerance ?? 12));
    }
  });

  it('uses the first frame of animations and reports them as animated', () => {
    expect(results.get('animated.gif')).toMatchObject({ ok: true, animated: true, frameCount: 3, width: 160, height: 120 });
    expect(results.get('animated.webp')).toMatchObject({ ok: true, animated: true, frameCount: 3, width: 160, height: 120 });
  });

  it('survives 40 randomly mutated photos: each indexed or rejected with a reason, none hangs', async () => {
    const seeds = files.filter((f) => ['control.jpg', 'actually-a-png.jpg', 'animated.gif', 'animated.webp', 'photo.avif', 'scan.bmp'].includes(f.name));
    const rand = noise(40 * 9, 2024);
    for (let i = 0; i < 40; i++) {
      const seed = seeds[i % seeds.length] as BadFile;
      const r = (k: number): number => rand[i * 9 + k] ?? 0;
      // Damage the headers (first 2 KiB), and sometimes cut the tail or graft noise onto it.
      const bytes = seed.bytes.slice();
      for (let k = 1; k < 8; k++) bytes[Math.floor((r(k) / 256) * Math.min(bytes.length, 2048))] = r(8 - k);
      const mutated = r(0) < 64 ? bytes.slice(0, Math.floor((bytes.length * r(8)) / 256)) : r(0) < 128 ? concat(bytes, noise(500, i)) : bytes;
      const name = `fuzz-${i}-${seed.name}`;
      const out = await inspectInPage(page, { name, bytes: mutated, mime: seed.mime }, { timeoutMs: PER_FILE_MS });
      const label = `${name}: ${JSON.stringify(out)}`;
      if (out.ok) expect.soft(out.sha256, label).toBe(sha256(mutated));
      else expect.soft([out.name, out.message.includes(name)], label).toEqual(['ImageRejectedError', true]);
    }
  });

  it('cancels with AbortError, and never runs script from an SVG or a file name', async () => {
    const control = files.find((f) => f.name === 'control.jpg') as BadFile;
    expect(await inspectInPage(page, control, { timeoutMs: PER_FILE_MS, preAborted: true })).toMatchObject({ ok: false, name: 'AbortError' });
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });
});
