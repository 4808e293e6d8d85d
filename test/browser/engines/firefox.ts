// Firefox ESR (Debian's firefox-esr) through puppeteer-core over WebDriver BiDi, headless.
// puppeteer-core never downloads a browser: it drives the installed one.
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { EnginePage, type Key, type PageFunction } from './engine-page';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export class FirefoxPage extends EnginePage {
  readonly engine = 'firefox';

  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
  ) {
    super();
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(m.text());
    });
    page.on('pageerror', (e) => this.errors.push(String(e)));
  }

  static async launch(): Promise<FirefoxPage> {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      protocol: 'webDriverBiDi',
      defaultViewport: { width: 1200, height: 850 },
      // Off the (closed) network: no update, telemetry or remote-settings fetches.
      extraPrefsFirefox: { 'app.update.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false, 'browser.safebrowsing.update.enabled': false },
    });
    const [first] = await browser.pages();
    return new FirefoxPage(browser, first ?? (await browser.newPage()));
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
  }

  async reload(): Promise<void> {
    await this.page.reload();
  }

  // Firefox 140.12 applies the page's CSP to the predicate puppeteer's locator builds with Function()
  // for its "enabled" wait, and the app's CSP has no 'unsafe-eval': that wait never ends. The
  // enabled wait is EnginePage's (on evaluate, which the CSP allows) for every engine instead.
  protected async clickNow(selector: string): Promise<void> {
    await this.page.locator(selector).setWaitForEnabled(false).click();
  }

  protected async fillNow(selector: string, text: string): Promise<void> {
    await this.page.locator(selector).setWaitForEnabled(false).fill(text);
  }

  protected async setFilesNow(selector: string, paths: string[]): Promise<void> {
    const input = (await this.page.$(selector)) as ElementHandle<HTMLInputElement> | null;
    if (!input) throw new Error(`firefox: no ${selector}`);
    await input.uploadFile(...paths);
  }

  async press(key: Key): Promise<void> {
    await this.page.keyboard.press(key);
  }

  evaluate<R, A = undefined>(fn: PageFunction<A, R>, arg?: A): Promise<R> {
    return this.page.evaluate(fn as (a: unknown) => R, arg as unknown) as Promise<R>;
  }

  protected screenshotPng(): Promise<Uint8Array> {
    return this.page.screenshot();
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
