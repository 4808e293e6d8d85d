// The analysis worker's side of the query worker (query-api.ts): a text search's embedder is the
// query worker's when the page linked one and its model loads there without a download; else this
// worker's own, as before (it may download, with progress and consent).
import * as Comlink from 'comlink';
import { AbortError, throwIfAborted } from '../../src/core/errors';
import type { Embedder } from '../../src/ml/embedder';
import { modelKey, type LoadConfig, type ModelHost } from './model-host';
import { queryPort, type QueryApi } from './query-api';

/** What a text search needs of an embedder; `remote` says where the vector was made. */
export type QueryEmbedder = Pick<Embedder, 'embed'> & { remote: boolean };

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

/** The query worker whose embedder loaded for a config key: later searches post their embed at once. */
let loaded: { api: QueryApi; key: string } | undefined;

const ownEmbedder = (own: Embedder): QueryEmbedder => ({ remote: false, embed: (texts, s) => own.embed(texts, s) });

/** The embedder a text search uses (see the top of this file). */
export async function searchEmbedder(host: Pick<ModelHost, 'embedder' | 'loadedEmbedder'>, config: LoadConfig, signal?: AbortSignal): Promise<QueryEmbedder> {
  const other = remote;
  if (other) {
    // A load's round trip would wait for the keyword ranking (same thread) before the embed could be sent.
    const key = modelKey(config, config.embedderId);
    let ready = loaded?.api === other && loaded.key === key;
    if (!ready) {
      const loading = other.load(config).then(() => {
        loaded = { api: other, key };
      });
      // This worker's own, already loaded (after indexing): used meanwhile, not waited behind a second load.
      const own = host.loadedEmbedder(config);
      if (own) {
        loading.catch(() => undefined);
        return ownEmbedder(own);
      }
      ready = await abortable(loading, signal).then(
        () => true,
        (e: unknown) => {
          if (e instanceof Error && e.name === 'AbortError') throw e;
          return false; // not loadable there without a download: this worker's own below
        },
      );
    }
    if (ready) {
      return {
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
  return ownEmbedder(await host.embedder(config, undefined, signal));
}
