// WebKitGTK (Safari's engine): Debian's WebKitWebDriver driving MiniBrowser, through
// selenium-webdriver (WebDriver classic), on an Xvfb display this file starts (the machine has none).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Builder, By, Capabilities, Key as SeleniumKey, type WebDriver } from 'selenium-webdriver';
import { EnginePage, type Key, type PageFunction } from './engine-page';

export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH ?? 'WebKitWebDriver';
export const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => ok(port));
    });
  });
}

/** Xvfb on the first free display (-displayfd tells which): no fixed number to collide with. */
async function startXvfb(): Promise<{ proc: ChildProcess; display: string }> {
  const proc = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1600x1200x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  const display = await new Promise<string>((ok, fail) => {
    proc.once('error', fail);
    proc.once('exit', (code) => fail(new Error(`Xvfb exited (${code}); is the xvfb package installed?`)));
    proc.stdio[3]!.once('data', (d: Buffer) => ok(`:${String(d).trim()}`));
  });
  return { proc, display };
}

async function waitReady(url: string, proc: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`WebKitWebDriver exited (${proc.exitCode}); is webkit2gtk-driver installed?`);
    try {
      if ((await fetch(`${url}/status`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('WebKitWebDriver did not answer /status');
}

/**
 * WebKitWebDriver has neither a log endpoint nor BiDi, and MiniBrowser's console-to-stdout setting
 * does not reach automation windows: errors are caught in the page, by a hook set after each load.
 * It sees console.error, uncaught exceptions and unhandled rejections of the page from then on;
 * not those of workers, nor of the load itself (the tests also check what the person sees).
 */
const SELENIUM_KEYS: Record<Key, string> = { ArrowLeft: SeleniumKey.ARROW_LEFT, ArrowRight: SeleniumKey.ARROW_RIGHT, Escape: SeleniumKey.ESCAPE, Enter: SeleniumKey.ENTER };

const ERROR_HOOK = `
  if (!window.__engineErrors) {
    const errors = (window.__engineErrors = []);
    const original = console.error.bind(console);
    console.error = (...args) => { errors.push(args.map(String).join(' ')); original(...args); };
    window.addEventListener('error', (e) => errors.push(String(e.error ?? e.message)));
    window.addEventListener('unhandledrejection', (e) => errors.push(String(e.reason)));
  }`;

export class WebKitPage extends EnginePage {
  readonly engine = 'webkit';

  private constructor(
    private readonly driver: WebDriver,
    private readonly processes: ChildProcess[],
  ) {
    super();
  }

  static async launch(): Promise<WebKitPage> {
    const processes: ChildProcess[] = [];
    try {
      const xvfb = await startXvfb();
      processes.push(xvfb.proc);
      const port = await freePort();
      const driverProc = spawn(WEBKIT_DRIVER, [`--port=${port}`], { stdio: 'ignore', env: { ...process.env, DISPLAY: xvfb.display } });
      processes.push(driverProc);
      const url = `http://127.0.0.1:${port}`;
      await waitReady(url, driverProc);
      const caps = new Capabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } });
      const driver = await new Builder().usingServer(url).withCapabilities(caps).build();
      // Async page functions (model loads, indexing steps) may take a while on a busy machine.
      await driver.manage().setTimeouts({ script: 300_000, pageLoad: 120_000 });
      await driver.manage().window().setRect({ width: 1200, height: 850 });
      return new WebKitPage(driver, processes);
    } catch (e) {
      for (const p of processes.reverse()) p.kill();
      throw e;
    }
  }

  private async hook(): Promise<void> {
    await this.driver.executeScript(ERROR_HOOK);
  }

  async goto(url: string): Promise<void> {
    await this.driver.get(url);
    await this.hook();
  }

  async reload(): Promise<void> {
    await this.driver.navigate().refresh();
    await this.hook();
  }

  protected async clickNow(selector: string): Promise<void> {
    await this.driver.findElement(By.css(selector)).click();
  }

  protected async fillNow(selector: string, text: string): Promise<void> {
    const el = await this.driver.findElement(By.css(selector));
    await el.clear();
    if (text) await el.sendKeys(text);
    // Element Clear fires no input event: the app searches as you type, so say it changed.
    else await this.driver.executeScript('arguments[0].dispatchEvent(new Event("input", { bubbles: true }))', el);
  }

  protected async setFilesNow(selector: string, paths: string[]): Promise<void> {
    // WebDriver's Element Send Keys on a file input takes the paths, one per line.
    await this.driver.findElement(By.css(selector)).sendKeys(paths.join('\n'));
  }

  async press(key: Key): Promise<void> {
    await this.driver.actions().sendKeys(SELENIUM_KEYS[key]).perform();
  }

  async evaluate<R, A = undefined>(fn: PageFunction<A, R>, arg?: A): Promise<R> {
    // Execute Script waits for a returned promise (W3C WebDriver).
    return this.driver.executeScript<R>(`return (${fn.toString()})(arguments[0])`, arg === undefined ? null : arg);
  }

  override async takeErrors(): Promise<string[]> {
    const inPage = await this.driver.executeScript<string[] | null>('const e = window.__engineErrors; return e ? e.splice(0) : null').catch(() => null);
    return [...this.errors.splice(0), ...(inPage ?? [])];
  }

  protected async screenshotPng(): Promise<Uint8Array> {
    return Buffer.from(await this.driver.takeScreenshot(), 'base64');
  }

  async close(): Promise<void> {
    try {
      await this.driver.quit();
    } finally {
      for (const p of this.processes.reverse()) p.kill();
    }
  }
}
