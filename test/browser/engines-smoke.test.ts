import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_LABEL, ENGINES, useEngine } from './engines';
import { serveApp, type Served } from './engines/serve';

// The built app's shell in Chromium, Firefox ESR and WebKitGTK, through one page API
// (test/browser/engines/). What an engine lacks is named in the test's title, and the test checks
// what the app does instead.
describe.each(ENGINES)('shell in %s', (engine) => {
  const page = useEngine(engine);
  const name = ENGINE_LABEL[engine];
  let app: Served;
  beforeAll(async () => {
    app = await serveApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('loads with no console errors, cross-origin isolated', async () => {
    const p = page();
    await p.goto(`${app.url}?models=test/tiny`);
    await p.waitFor('search-input');
    await p.waitFor('empty-library');
    expect(await p.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await p.takeErrors()).toEqual([]);
  });

  // WebKit has no SharedArrayBuffer; Firefox has one, but ORT's threads there at times never start (src/core/wasm-threads.ts).
  const why = { chromium: '', firefox: 'WASM threads in Firefox at times never start', webkit: 'this browser has no SharedArrayBuffer' }[engine];
  const threads = why ? `${name}: Settings → Diagnostics says WASM runs single-threaded (${why}), and the models run on 1 thread` : 'Settings → Diagnostics says WASM runs multi-threaded, and the models run on more than 1 thread';
  it(threads, async () => {
    const p = page();
    await p.goto(`${app.url}?models=test/tiny#/settings`);
    await p.waitFor('wasm-threads');
    const shared = await p.evaluate(() => typeof SharedArrayBuffer !== 'undefined');
    expect(shared).toBe(engine !== 'webkit');
    expect(await p.text('shared-memory')).toBe(shared ? 'available' : 'missing');
    expect(await p.text('wasm-threads')).toBe(why ? 'single-threaded' : 'multi-threaded');
    await p.click('load-models');
    await p.waitFor('runtime', 'visible', { timeout: 180_000 });
    const runtime = await p.text('runtime');
    if (!why) {
      const cores = await p.evaluate(() => navigator.hardwareConcurrency);
      expect(runtime).toBe(`Running on WASM with ${Math.min(4, cores)} thread(s).`);
    } else expect(runtime).toBe(`Running on WASM with 1 thread(s) (${why}).`);
    expect(await p.count({ css: '[role="alert"]' })).toBe(0);
    expect(await p.takeErrors()).toEqual([]);
  });

  it('round-trips the worker: transfer, cancel, named error', async () => {
    const p = page();
    await p.goto(`${app.url}#/settings`);
    await p.click('run-self-check');
    await p.waitFor('self-check-done');
    for (const id of ['transfer', 'cancel', 'error']) expect(await p.attribute(`check-${id}`, 'data-status'), await p.text(`check-${id}`)).toBe('pass');
    expect(await p.text('check-error')).toContain('ProbeFailureError');
    expect(await p.takeErrors()).toEqual([]);
  });

  it('registers a service worker that controls the page after a reload', async () => {
    const p = page();
    await p.goto(app.url);
    expect(await p.evaluate(async () => (await navigator.serviceWorker.ready).scope)).toBe(app.url);
    await p.reload();
    await p.waitUntil(() => navigator.serviceWorker.controller !== null, undefined, { what: 'a controlling service worker' });
  });

  // File System Access pickers exist in Chromium only; elsewhere "Add photos" / "Add folder" open
  // the file inputs (the test stops the dialog itself: no display to show it on).
  const pickers = engine === 'chromium' ? "Add photos / Add folder: Chromium's showOpenFilePicker and showDirectoryPicker are used (originals' handles are kept)" : `Add photos / Add folder: ${name} has no showOpenFilePicker or showDirectoryPicker; the file inputs are used`;
  it(pickers, async () => {
    const p = page();
    await p.goto(`${app.url}?models=test/tiny`);
    await p.waitFor('empty-library');
    const native = await p.evaluate(() => ({ file: 'showOpenFilePicker' in window, folder: 'showDirectoryPicker' in window, dirInput: 'webkitdirectory' in HTMLInputElement.prototype }));
    expect(native).toEqual({ file: engine === 'chromium', folder: engine === 'chromium', dirInput: true });
    // Record what each button opens, without opening it.
    await p.evaluate(() => {
      const w = window as unknown as Record<string, unknown> & { opened: string[] };
      w.opened = [];
      const stop = (what: string) => () => {
        w.opened.push(what);
        return Promise.reject(new DOMException('The user aborted a request.', 'AbortError'));
      };
      if ('showOpenFilePicker' in window) w.showOpenFilePicker = stop('file picker');
      if ('showDirectoryPicker' in window) w.showDirectoryPicker = stop('folder picker');
      for (const id of ['add-files', 'add-folder']) {
        const input = document.querySelector(`[data-testid="${id}"]`) as HTMLInputElement;
        input.click = () => void w.opened.push(`${id} input${input.webkitdirectory ? ' (folder)' : ''}`);
      }
    });
    await p.click({ css: 'div.add > button:nth-of-type(1)' });
    await p.click({ css: 'div.add > button:nth-of-type(2)' });
    const opened = await p.evaluate(() => (window as unknown as { opened: string[] }).opened);
    expect(opened).toEqual(engine === 'chromium' ? ['file picker', 'folder picker'] : ['add-files input', 'add-folder input (folder)']);
    // A cancelled picker is no error.
    expect(await p.count({ css: '[role="alert"]' })).toBe(0);
  });
});
