// The built app on a server of its own per engine: another port is another origin, so each engine
// starts with an empty library, and stopping the server is what "offline" means to the page in
// every engine (WebDriver classic has no network switch; the service worker must answer).
import type { Server } from 'node:http';
import { preview } from 'vite';

export interface Served {
  /** Ends with '/'. */
  url: string;
  close(): Promise<void>;
}

export async function serveApp(): Promise<Served> {
  const server = await preview({ preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  let closed = false;
  return {
    url,
    async close() {
      if (closed) return;
      closed = true;
      // Open keep-alive connections would keep answering: cut them too.
      (server.httpServer as Server).closeAllConnections();
      await server.close();
    },
  };
}
