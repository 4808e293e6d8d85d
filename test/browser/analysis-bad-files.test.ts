import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeBadFiles, type BadFile } from '../fixtures/bad-files';
import { launch } from './helpers/browser';
import { addInPage, captionedEntries, imageBytes, openLibraryPage, type AddResult } from './helpers/library-page';

// Bad input through the whole pipeline (decode → models → one transaction per image): every file
// is indexed or reported with a reason naming it, the batch goes on, nothing is lost or doubled.
describe('analysis pipeline with bad files', () => {
  let browser: Browser;
  let page: Page;
  let corpus: BadFile[];
  const url = inject('baseURL');

  beforeAll(async () => {
    corpus = await makeBadFiles();
    browser = await launch();
    page = await (await browser.newContext()).newPage();
    await openLibraryPage(page, url);
    await page.evaluate(() => window.__glimpse!.loadModels());
  });
  afterAll(async () => {
    await browser.close();
  });

  it('indexes or reports each file, and the good photos around them all land once', async () => {
    const good = captionedEntries().slice(40, 40 + corpus.length);
    const outcomes: Array<{ file: BadFile; result: AddResult }> = [];
    let indexed = 0;
    for (const [i, file] of corpus.entries()) {
      const result = await addInPage(page, file.name, file.bytes, file.mime);
      outcomes.push({ file, result });
      if (result.status === 'indexed') indexed++;
      // A real photo after every bad file: the batch must go on.
      const after = await addInPage(page, `good-${i}.jpg`, imageBytes(good[i]!.file));
      expect(after.status, `photo after ${file.name}`).toBe('indexed');
      indexed++;
    }
    for (const { file, result } of outcomes) {
      expect(result.status, `${file.kind}: ${JSON.stringify(result)}`).not.toBe('error');
      if (result.status === 'rejected') {
        expect(result.message.normalize('NFC')).toContain(file.name.normalize('NFC').slice(0, 40));
        if (!file.either) expect(file.expect, `${file.kind} was rejected: ${result.message}`).toBe('rejected');
      } else if (!file.either && result.status === 'indexed') {
        expect(file.expect, `${file.kind} was indexed`).toBe('indexed');
      }
    }
    const { count } = await page.evaluate(() => window.__glimpse!.openLibrary());
    // Duplicates (same bytes under another name) are skipped, so count = distinct indexed files.
    const duplicates = outcomes.filter((o) => o.result.status === 'duplicate').length;
    expect(count).toBe(indexed);
    expect(count + duplicates).toBe(outcomes.filter((o) => o.result.status !== 'rejected').length + good.slice(0, corpus.length).length);
  });
});
