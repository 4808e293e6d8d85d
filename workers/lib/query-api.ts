// What the query worker offers the analysis worker, over a MessagePort the page hands both
// (src/bridge/query-link.ts): the embedder alone, so a text search's vector is made on one core
// while the keyword ranking runs on the other, instead of one after the other on one thread.
import type { LoadConfig } from './model-host';

/** The message field that carries the port (comlink ignores messages without its own fields). */
export const QUERY_PORT = 'glimpseQueryPort';

export interface QueryApi {
  /** Loads the embedder for `config`. Downloads nothing. */
  load(config: LoadConfig): Promise<void>;
  /** The texts' vectors, one row each (the embedder loads first if it must). */
  embed(texts: string[], config: LoadConfig): Promise<Float32Array>;
}

/** The port in a message posted to a worker, if it carries one. */
export function queryPort(data: unknown): MessagePort | undefined {
  const port = (data as Record<string, unknown> | null)?.[QUERY_PORT];
  return port instanceof MessagePort ? port : undefined;
}
