// The analysis worker's side of the query worker (query-api.ts): a text search's embedder is the
// query worker's when the page linked one and its model loads there without a download; else this
// worker's own, as before (it may download, with progress and consent).
import * as Comlink from 'comlink';
import { AbortError, throwIfAborted } from '../../src/core/errors';
import type { Embedder } from '../../src/ml/embedder';
import type { LoadConfig, ModelHost } from './model-host';
import { queryPort, type QueryApi } from './query-api';

/** What a text search needs of an embedder; `remote` says where the vector was made. */
export type QueryEmbedder = Pick<Embedder, 'modelId' | 'embed'> & { remote: boolean };

let remote: QueryApi | undefined;

/** The query worker's API from now on (undefined: none); tests pass a plain object. */
export function useQueryWorker(api: QueryApi | undefined): void {
  remote = api;
}

/** Takes the port the page posts (src/bridge/query-link.ts); a later one replaces it. */
export function listenForQueryPort(): void {
  self.addEventListener('message', (e: MessageEvent) => {
    const port = queryPort(e.data);
    if (port) useQueryWorker(Comlink.wrap<QueryApi>(port));
  });
}

/** Rejects with an AbortError as soon as `signal` fires (the other worker's call runs on, unread). */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => reject(signal.reason instanceof Error && signal.reason.name === 'AbortError' ? signal.reason : new AbortError());
    signal.addEventListener('abort', stop, { once: true });
    // Settled either way, so a failure after the cancel is never an unhandled rejection.
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
    if (signal.aborted) stop();
  });
}

/** What decides which embedder loads where (a picked folder counts by its paths). */
const loadKey = (c: LoadConfig): string =>
  JSON.stringify([c.embedderId, c.localModelPath, c.allowHub, c.backend, c.ortBase, c.dtype, c.folder?.map((f) => f.path)]);

/** The query worker's embedder once it loaded for a config: later searches post their embed at once. */
let loaded: { api: QueryApi; key: string; modelId: string } | undefined;

/** The embedder a text search uses (see the top of this file). */
export async function searchEmbedder(host: Pick<ModelHost, 'embedder' | 'loadedEmbedder'>, config: LoadConfig, signal?: AbortSignal): Promise<QueryEmbedder> {
  const other = remote;
  if (other) {
    // A load's round trip would wait for the keyword ranking (same thread) before the embed could be sent.
    const key = loadKey(config);
    let modelId = loaded?.api === other && loaded.key === key ? loaded.modelId : undefined;
    if (modelId === undefined) {
      const loading = other.load(config).then((id) => {
        loaded = { api: other, key, modelId: id };
        return id;
      });
      // This worker's own, already loaded (after indexing): used meanwhile, not waited behind a second load.
      const own = host.loadedEmbedder(config);
      if (own) {
        loading.catch(() => undefined);
        return { modelId: own.modelId, remote: false, embed: (texts, s) => own.embed(texts, s) };
      }
      modelId = await abortable(loading, signal).catch((e: unknown) => {
        if (e instanceof Error && e.name === 'AbortError') throw e;
        return undefined; // not loadable there without a download: this worker's own below
      });
    }
    if (modelId !== undefined) {
      return {
        modelId,
        remote: true,
        async embed(texts, s) {
          throwIfAborted(s);
          return abortable(other.embed(texts, config), s).catch((e: unknown) => {
            // Gone there meanwhile (files removed): the next search loads again, or falls back.
            if (!(e instanceof Error && e.name === 'AbortError') && loaded?.key === key) loaded = undefined;
            throw e;
          });
        },
      };
    }
  }
  const own = await host.embedder(config, undefined, signal);
  return { modelId: own.modelId, remote: false, embed: (texts, s) => own.embed(texts, s) };
}
