import { describe, expect, it } from 'vitest';
import { AbortError, GlimpseError } from '../../src/core/errors';
import { imageSearchError, keywordOnlyNotice } from '../../src/ui/keyword-only';
import { keywordOnlyReason, watchVectorSide } from '../../workers/lib/keyword-only';

const UNAVAILABLE = {
  name: 'ModelUnavailableError',
  message: 'Model Xenova/all-MiniLM-L6-v2 could not be loaded (Failed to fetch). To provide it: allow the Hugging Face hub in Settings.',
};

/** Lets the watcher's handlers run (they are attached before the caller's). */
const settle = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, () => undefined);

describe('keyword-only search: the worker remembers why', () => {
  it('records a failed model load, keeps it across a cancelled one, clears it once a load works', async () => {
    const failed = Promise.reject(new GlimpseError(UNAVAILABLE.name, UNAVAILABLE.message));
    await settle(watchVectorSide(failed));
    expect(keywordOnlyReason()).toEqual(UNAVAILABLE);
    await settle(watchVectorSide(Promise.reject(new AbortError())));
    expect(keywordOnlyReason()).toEqual(UNAVAILABLE);
    const loaded = watchVectorSide(Promise.resolve('models'));
    expect(await loaded).toBe('models');
    expect(keywordOnlyReason()).toBeUndefined();
  });

  it('hands the load back unchanged, rejection included', async () => {
    await expect(watchVectorSide(Promise.reject(new GlimpseError('ModelLoadError', 'boom')))).rejects.toMatchObject({ name: 'ModelLoadError' });
    expect(keywordOnlyReason()).toEqual({ name: 'ModelLoadError', message: 'boom' });
  });
});

describe('keyword-only notice wording', () => {
  it('says keywords only, then the model error as it is (it names the model and the ways to provide it)', () => {
    const text = keywordOnlyNotice(UNAVAILABLE);
    expect(text).toMatch(/^Searching by keywords only: model Xenova\/all-MiniLM-L6-v2 could not be loaded \(Failed to fetch\)\. To provide it: allow the Hugging Face hub in Settings\. /);
    expect(text).toContain('nothing was removed');
  });

  it('adds what to do when the error does not say it', () => {
    expect(keywordOnlyNotice({ name: 'ModelLoadError', message: 'Model X failed to start: no WebGPU adapter' })).toContain(
      'model X failed to start: no WebGPU adapter. Try the WASM backend in Settings → Models',
    );
    expect(keywordOnlyNotice({ name: 'Error', message: 'odd' })).toContain('odd. Reload the page, or load the models again');
  });

  it('a search by photo names the model error; other failures stay plain', () => {
    expect(imageSearchError(UNAVAILABLE)).toBe(`Search by photo needs the models: ${UNAVAILABLE.message}`);
    expect(imageSearchError({ name: 'ImageRejectedError', message: 'x.jpg: could not read its pixels.' })).toBe('Search failed: x.jpg: could not read its pixels.');
  });
});
