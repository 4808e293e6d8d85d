// Drives the built app's analysis worker through the `?testHooks` bridge hooks.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { GlimpseTestHooks } from '../../../src/ui/test-hooks';

export const SHARED_IMAGES = path.resolve(process.env.GLIMPSE_SHARED_DATA ?? path.resolve(import.meta.dirname, '../../../../shared/data'), 'captioned/images');

export interface CaptionedEntry {
  file: string;
  captions: string[];
}

export function captionedEntries(): CaptionedEntry[] {
  return JSON.parse(readFileSync(path.join(SHARED_IMAGES, '../captions.json'), 'utf8')) as CaptionedEntry[];
}

/** A page of the built app with test hooks, the tiny test models and a fresh database per context. */
export async function openLibraryPage(page: Page, baseURL: string): Promise<void> {
  await page.goto(`${baseURL}?testHooks&models=test/tiny`);
  await page.waitForFunction(() => window.__glimpse !== undefined);
}

export type AddResult = Awaited<ReturnType<GlimpseTestHooks['addImage']>> | { status: 'error'; name: string; message: string };

/** Adds one file (bytes sent from Node) through the real bridge → worker path. */
export function addInPage(page: Page, name: string, bytes: Uint8Array, mime = 'image/jpeg'): Promise<AddResult> {
  const b64 = Buffer.from(bytes).toString('base64');
  return page.evaluate(
    async ({ b64, name, mime }) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      try {
        return await window.__glimpse!.addImage(new File([data], name, { type: mime }), name);
      } catch (e) {
        const err = e as Error;
        return { status: 'error' as const, name: err.name, message: err.message };
      }
    },
    { b64, name, mime },
  );
}

export function imageBytes(file: string): Uint8Array {
  return readFileSync(path.join(SHARED_IMAGES, '..', file));
}
