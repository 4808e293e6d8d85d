// Opt-in hooks for the browser tests: with `?testHooks` in the URL the page exposes a few bridge
// calls on `window.__glimpse`, so a test can drive the real workers of the built app.
import { inspectImage } from '../bridge/bridge';

export interface GlimpseTestHooks {
  inspectImage: typeof inspectImage;
}

declare global {
  interface Window {
    __glimpse?: GlimpseTestHooks;
  }
}

if (new URLSearchParams(location.search).has('testHooks')) {
  window.__glimpse = { inspectImage };
}
