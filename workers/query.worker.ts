// The query embedder's worker (lib/query-api.ts). One WASM thread: the other core is the analysis
// worker's, ranking the keywords meanwhile. It never downloads: files come from the cache, the
// app's origin or a picked folder; what is missing the analysis worker loads itself, with its
// progress and the person's consent (lib/query-side.ts falls back to it).
import * as Comlink from 'comlink';
import { ModelHost, type LoadConfig } from './lib/model-host';
import { queryPort, type QueryApi } from './lib/query-api';

const host = new ModelHost({ maxThreads: 1 });
const noDownload = (config: LoadConfig): LoadConfig => ({ ...config, hubConsent: false });

const api: QueryApi = {
  async load(config) {
    await host.embedder(noDownload(config));
  },
  async embed(texts, config) {
    const v = (await (await host.embedder(noDownload(config))).embed(texts)).slice();
    return Comlink.transfer(v, [v.buffer]);
  },
};

// One port per analysis worker (the page starts a new one after a cancel).
self.addEventListener('message', (e: MessageEvent) => {
  const port = queryPort(e.data);
  if (port) Comlink.expose(api, port);
});
