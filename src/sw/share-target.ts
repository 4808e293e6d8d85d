// Added to the generated service worker with workbox's importScripts (vite.config.ts), so
// precaching and the runtime caching rules stay as generateSW writes them. It answers the share
// sheet's POST (manifest share_target): the shared photos go to the inbox (share-inbox.ts) and the
// app opens on the library with the inbox key, where the page queues them for indexing.
import { putShared, SHARE_ACTION, SHARE_FAILED, SHARE_FIELD, SHARE_PARAM } from './share-inbox';

declare const self: ServiceWorkerGlobalScope;

const scope = self.registration.scope;
const action = new URL(SHARE_ACTION, scope).pathname;

async function receive(request: Request): Promise<Response> {
  // Back to the app; the share URL's own query (e.g. a `models` folder) comes along.
  const app = new URL(scope);
  new URL(request.url).searchParams.forEach((value, name) => app.searchParams.set(name, value));
  try {
    const form = await request.formData();
    const files = form.getAll(SHARE_FIELD).filter((f): f is File => typeof f !== 'string');
    app.searchParams.set(SHARE_PARAM, await putShared(scope, files));
  } catch {
    // Unreadable form or no space left: the page says so and asks for Add photos instead.
    app.searchParams.set(SHARE_PARAM, SHARE_FAILED);
  }
  // 303: the browser follows with a GET, so a reload does not post the photos again.
  return Response.redirect(app.href, 303);
}

self.addEventListener('fetch', (event) => {
  if (event.request.method !== 'POST' || new URL(event.request.url).pathname !== action) return;
  event.respondWith(receive(event.request));
});
