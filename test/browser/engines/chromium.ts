// Chromium through playwright-core (the driver every other browser test uses).
import type { Browser, Page } from 'playwright-core';
import { launch } from '../helpers/browser';
import { EnginePage, type Key, type PageFunction } from './engine-page';

export class ChromiumPage extends EnginePage {
  readonly engine = 'chromium';

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

  static async launch(): Promise<ChromiumPage> {
    const browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1200, height: 850 } });
    return new ChromiumPage(browser, await context.newPage());
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
  }

  async reload(): Promise<void> {
    await this.page.reload();
  }

  protected async clickNow(selector: string): Promise<void> {
    await this.page.locator(selector).first().click();
  }

  protected async fillNow(selector: string, text: string): Promise<void> {
    await this.page.locator(selector).first().fill(text);
  }

  protected async setFilesNow(selector: string, paths: string[]): Promise<void> {
    await this.page.locator(selector).first().setInputFiles(paths);
  }

  async press(key: Key): Promise<void> {
    await this.page.keyboard.press(key);
  }

  evaluate<R, A = undefined>(fn: PageFunction<A, R>, arg?: A): Promise<R> {
    return this.page.evaluate(fn as (a: unknown) => R, arg as unknown);
  }

  protected screenshotPng(): Promise<Uint8Array> {
    return this.page.screenshot();
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
