// One small page API for Chromium, Firefox and WebKit, so a cross-engine test reads the same
// whatever drives the browser (playwright-core, puppeteer-core over WebDriver BiDi, WebDriver
// classic through selenium-webdriver). Each driver implements a few primitives; the waits are
// written once here, on top of evaluate, so "wait for a state" means the same in every engine.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type EngineName = 'chromium' | 'firefox' | 'webkit';

/** A data-testid, or any CSS selector as { css }. */
export type Target = string | { css: string };

export const css = (t: Target): string => (typeof t === 'string' ? `[data-testid="${t}"]` : t.css);

export const ARTIFACTS = path.resolve(import.meta.dirname, '../../artifacts');

/** Functions sent to the page run there, as source: they may use only their argument and page globals. */
export type PageFunction<A, R> = (arg: A) => R | Promise<R>;

export interface WaitOptions {
  /** ms; generous by default: a shared 2-core machine is slow, and a wait ends as soon as the state holds. */
  timeout?: number;
  /** Said in the error when the state never came. */
  what?: string;
}

export type Key = 'ArrowLeft' | 'ArrowRight' | 'Escape' | 'Enter';

const POLL_MS = 200;

export abstract class EnginePage {
  abstract readonly engine: EngineName;
  /** Console errors and uncaught exceptions, in order; the test reads and clears them. */
  readonly errors: string[] = [];

  abstract goto(url: string): Promise<void>;
  abstract reload(): Promise<void>;
  /** A real click (the driver's input events) on the first match, once it is there. */
  protected abstract clickNow(selector: string): Promise<void>;
  /** Replaces the text of an input by typing `text` (input events fire as for a person). */
  protected abstract fillNow(selector: string, text: string): Promise<void>;
  /** Sets these files (absolute paths) on an <input type=file>, as a person picking them. */
  protected abstract setFilesNow(selector: string, paths: string[]): Promise<void>;
  /** A key press sent to the focused element (the window when none). */
  abstract press(key: Key): Promise<void>;
  abstract evaluate<R, A = undefined>(fn: PageFunction<A, R>, arg?: A): Promise<R>;
  protected abstract screenshotPng(): Promise<Uint8Array>;
  abstract close(): Promise<void>;

  async click(t: Target, opts?: WaitOptions): Promise<void> {
    await this.waitFor(t, 'enabled', opts);
    await this.clickNow(css(t));
  }

  async fill(t: Target, text: string, opts?: WaitOptions): Promise<void> {
    await this.waitFor(t, 'enabled', opts);
    await this.fillNow(css(t), text);
  }

  async setInputFiles(t: Target, paths: string[], opts?: WaitOptions): Promise<void> {
    await this.waitFor(t, 'attached', opts);
    await this.setFilesNow(css(t), paths);
  }

  /** Polls `fn(arg)` in the page until it returns a truthy value, and returns that value. */
  async waitUntil<R, A = undefined>(fn: PageFunction<A, R>, arg?: A, opts: WaitOptions = {}): Promise<R> {
    const deadline = Date.now() + (opts.timeout ?? 120_000);
    let last: unknown;
    for (;;) {
      try {
        const v = await this.evaluate(fn, arg);
        if (v) return v;
        last = v;
      } catch (e) {
        // A reload in progress destroys the context the script ran in: try again.
        last = e;
      }
      if (Date.now() > deadline) throw new Error(`${this.engine}: timed out waiting for ${opts.what ?? String(fn)} (last: ${String(last)}; page says: ${await this.saying()})`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** What the page tells the person (alerts, status lines, the indexing progress), for a timeout's message. */
  private saying(): Promise<string> {
    return this.evaluate(() => Array.from(document.querySelectorAll('[role="alert"], [role="status"], [data-testid="file-error"], [data-testid="no-results"], section[aria-label="Indexing"]'), (e) => e.textContent?.trim()).join(' | ') || 'nothing').catch((e: unknown) => `(unreadable: ${String(e)})`);
  }

  /** Waits until the target is attached (in the DOM), visible (has a box), enabled (visible and not disabled), or detached. */
  async waitFor(t: Target, state: 'attached' | 'visible' | 'enabled' | 'detached' = 'visible', opts: WaitOptions = {}): Promise<void> {
    await this.waitUntil(
      ({ sel, state }) => {
        const el = document.querySelector(sel);
        if (state === 'detached') return el === null;
        if (!el) return false;
        if (state === 'attached') return true;
        if (el.getClientRects().length === 0) return false;
        return state === 'visible' || !el.hasAttribute('disabled');
      },
      { sel: css(t), state },
      { what: `${css(t)} ${state}`, ...opts },
    );
  }

  /** textContent of the first match ('' when there is none). */
  text(t: Target): Promise<string> {
    return this.evaluate((sel) => document.querySelector(sel)?.textContent ?? '', css(t));
  }

  attribute(t: Target, name: string): Promise<string | null> {
    return this.evaluate(({ sel, name }) => document.querySelector(sel)?.getAttribute(name) ?? null, { sel: css(t), name });
  }

  count(t: Target): Promise<number> {
    return this.evaluate((sel) => document.querySelectorAll(sel).length, css(t));
  }

  /** Writes test/artifacts/<engine>-<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${this.engine}-${name}.png`);
    writeFileSync(file, await this.screenshotPng());
    return file;
  }

  /** The errors seen so far, cleared. */
  takeErrors(): Promise<string[]> {
    return Promise.resolve(this.errors.splice(0));
  }
}
