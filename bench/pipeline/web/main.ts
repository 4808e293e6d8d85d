// The bench page: runs each phase in its own worker (a fresh worker is the cold start).
import * as Comlink from 'comlink';
import type { AnalysisApi } from '../../../workers/analysis.worker.ts';
import type { AppWorkerRequest, AppWorkerResult, CaptionProbeRequest, PipelineBenchPage, QueryRequest, QueryResult, SeedRequest } from './api.ts';
import type { QueryWorkerApi } from './query.worker.ts';
import { linkWorkers } from '../../../src/bridge/query-link.ts';

function spawn(): { api: Comlink.Remote<QueryWorkerApi>; worker: Worker } {
  const worker = new Worker(new URL('./query.worker.ts', import.meta.url), { type: 'module', name: 'pipeline-bench' });
  return { api: Comlink.wrap<QueryWorkerApi>(worker), worker };
}

const bench: PipelineBenchPage = {
  async appWorkerSearch(req: AppWorkerRequest): Promise<AppWorkerResult> {
    const t0 = performance.now();
    const worker = new Worker(req.workerUrl, { type: 'module', name: 'analysis' });
    const query = req.queryWorkerUrl ? new Worker(req.queryWorkerUrl, { type: 'module', name: 'query' }) : undefined;
    if (query) linkWorkers(worker, query);
    const api = Comlink.wrap<AnalysisApi>(worker);
    try {
      let callId = 1;
      const rows = await api.search(callId++, req.coldQuery, 60, req.config);
      const coldMs = performance.now() - t0;
      for (const q of req.warmup) await api.search(callId++, q, 60, req.config);
      if (req.warmAfterMs) await new Promise((r) => setTimeout(r, req.warmAfterMs));
      const warmMs: number[] = [];
      for (const q of req.queries) {
        const t = performance.now();
        await api.search(callId++, q, 60, req.config);
        warmMs.push(performance.now() - t);
      }
      // An older build has no such hook: its searches are then not split.
      const steps = req.queries.length ? await api.searchSteps().then((s) => s.slice(-req.queries.length), () => []) : [];
      // Read last, so marks of background work after the first search (vectors-warm) show too; each mark is the first of its kind.
      const trace = (await api.startupTrace()).map((m) => ({ name: m.name, at: m.at }));
      return { coldMs, coldResults: rows.length, warmMs, trace, steps };
    } finally {
      worker.terminate();
      query?.terminate();
    }
  },
  async probeCaption(req: CaptionProbeRequest) {
    const { api, worker } = spawn();
    try {
      return await api.probeCaption(req);
    } finally {
      worker.terminate();
    }
  },
  async seed(req: SeedRequest) {
    const { api, worker } = spawn();
    try {
      return await api.seed(req);
    } finally {
      worker.terminate();
    }
  },
  async queries(req: QueryRequest): Promise<QueryResult> {
    const t0 = performance.now();
    const { api, worker } = spawn();
    try {
      const { threads, ...cold } = await api.cold(req);
      const withWorkerStartMs = performance.now() - t0;
      const warm = await api.warm(req);
      return { cold: { ...cold, withWorkerStartMs }, warm, crossOriginIsolated, threads };
    } finally {
      worker.terminate();
    }
  },
};

window.__pipelineBench = bench;
document.getElementById('status')!.textContent = 'ready';
