// Links an analysis worker to the query worker (workers/lib/query-api.ts) with a MessageChannel:
// text searches then embed on a second core while the analysis worker ranks the keywords.
import { QUERY_PORT } from '../../workers/lib/query-api';

/** Hands `analysis` and `query` the two ends of a new channel (the app per analysis worker; the bench so too). */
export function linkWorkers(analysis: Worker, query: Worker): void {
  const { port1, port2 } = new MessageChannel();
  query.postMessage({ [QUERY_PORT]: port1 }, [port1]);
  analysis.postMessage({ [QUERY_PORT]: port2 }, [port2]);
}
