// Phone-size checks for the built app: what scrolls sideways, which controls are too small to tap,
// and touch gestures sent the way a touch screen sends them (CDP touch events → pointer events).
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

/** The two phone sizes of issue 13: a small Android phone and an iPhone 12–15. */
export const PHONES = [
  { width: 360, height: 740 },
  { width: 390, height: 844 },
] as const;

/** Apple's and WCAG 2.5.5's minimum touch target, in CSS px. */
export const MIN_TARGET = 44;

/** A context that behaves like a phone: touch, mobile viewport (meta viewport honoured), 3× pixels. */
export function phoneContext(browser: Browser, size: { width: number; height: number } = PHONES[0]): Promise<BrowserContext> {
  return browser.newContext({ viewport: size, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
}

/**
 * Sets the viewport and waits until the page has laid out and painted at that size. Measuring
 * right after setViewportSize can catch the page between frames: innerWidth still the old one,
 * and cards under `content-visibility: auto` not yet marked on screen, their buttons measuring
 * 0×0 (seen about one run in three). Two animation frames: one for the resize, one for
 * content-visibility's relevance update that follows it.
 */
export async function resizeTo(page: Page, size: { width: number; height: number }): Promise<void> {
  await page.setViewportSize(size);
  await page.waitForFunction(([w, h]) => innerWidth === w && innerHeight === h, [size.width, size.height] as const);
  await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
}

/**
 * Everything on the page that breaks phone use, one line each: sideways scrolling (the page or any
 * scroll container), and every visible interactive element whose box is under 44×44. A checkbox
 * or radio is measured by the label that wraps it (the label is what a finger hits). Elements
 * hidden on purpose (display none, visibility hidden, or clipped away like the file inputs behind
 * the "Add photos" button) are not controls a person can see.
 */
export function phoneProblems(page: Page, min = MIN_TARGET): Promise<string[]> {
  return page.evaluate(async (min) => {
    // No named inner functions here: tsx (bench, scripts) would wrap them in a helper the page lacks.
    // Measured after two frames, so what was just inserted or resized has been laid out once.
    await new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
    const found: { el: Element; what: string }[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) found.push({ el: root, what: `scrolls sideways: ${root.scrollWidth} px wide in a ${root.clientWidth} px viewport` });
    for (const el of document.body.querySelectorAll('*')) {
      const s = getComputedStyle(el);
      if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1) found.push({ el, what: `scrolls sideways: ${el.scrollWidth} px in ${el.clientWidth} px` });
    }
    const controls = document.body.querySelectorAll('a[href], button, input, select, textarea, summary, [role="button"], [role="link"], [tabindex]:not([tabindex="-1"])');
    for (const el of controls) {
      // Content skipped by `content-visibility: auto` is not painted (off screen, or inserted since
      // the last frame): its boxes can read 0×0 until it is, so it is not measured as seen.
      if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true, contentVisibilityAuto: true })) continue;
      if (getComputedStyle(el).clip === 'rect(0px, 0px, 0px, 0px)') continue;
      const target = el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio') ? (el.closest('label') ?? el) : el;
      const r = target.getBoundingClientRect();
      // 0.01: layout rounds to 1/64 px; a box set to 44 px measures 44.
      if (r.width < min - 0.01 || r.height < min - 0.01) found.push({ el, what: `is ${r.width.toFixed(1)}×${r.height.toFixed(1)} px` });
    }
    return found.map(({ el, what }) => {
      const text = (el.getAttribute('aria-label') ?? (el === root ? 'page' : el.textContent) ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      const id = el.getAttribute('data-testid');
      return `<${el.tagName.toLowerCase()}${id ? ` data-testid=${id}` : ''}${el instanceof HTMLInputElement ? ` type=${el.type}` : ''}> "${text}" ${what}`;
    });
  }, min);
}

/** How many controls phoneProblems looked at (so a test can tell it measured something). */
export function visibleControls(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      Array.from(document.body.querySelectorAll('a[href], button, input, select, textarea, summary')).filter(
        (el) => el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true }) && getComputedStyle(el).clip !== 'rect(0px, 0px, 0px, 0px)',
      ).length,
  );
}

/** True when the element's centre is inside the viewport and nothing else covers it there. */
export function reachable(target: Locator): Promise<boolean> {
  return target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    if (r.width === 0 || x < 0 || y < 0 || x > innerWidth || y > innerHeight) return false;
    const hit = document.elementFromPoint(x, y);
    return hit !== null && (hit === el || el.contains(hit));
  });
}

/**
 * A one-finger horizontal swipe across the element's centre, as touch events from the "screen"
 * (Chromium turns them into pointer events and honours touch-action, as on a phone).
 */
export async function swipe(page: Page, target: Locator, dx: number): Promise<void> {
  const box = await target.boundingBox();
  if (!box) throw new Error('the swipe target is not on screen');
  const y = box.y + box.height / 2;
  const x0 = box.x + box.width / 2 - dx / 2;
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: x0, y }] });
    for (let i = 1; i <= 8; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: x0 + (dx * i) / 8, y }] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  } finally {
    await cdp.detach();
  }
}
