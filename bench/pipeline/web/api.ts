// What the bench page exposes to the Node side (page.evaluate), types only.
import type { ModelConfig } from '../../../workers/lib/model-host.ts';
import type { SearchSteps } from '../../../workers/lib/search-steps.ts';
import type { ColdReport, WarmReport } from '../query-timing.ts';
import type { SeedReport, SeedSpec } from '../synthetic.ts';
import type { CaptionProbe } from '../types.ts';

export interface SeedRequest {
  dbName: string;
  spec: SeedSpec;
  captionsUrl: string;
}

export interface QueryRequest {
  dbName: string;
  config: ModelConfig;
  coldQuery: string;
  queries: string[];
  warmup: string[];
}

export interface QueryResult {
  /** From `new Worker` on the page to the first results: worker start-up included. */
  cold: ColdReport & { withWorkerStartMs: number };
  warm: WarmReport;
  crossOriginIsolated: boolean;
  threads: number;
}

/** Diagnostic: the captioner alone (src/ml) with a given dtype, on photos decoded as the app does. */
export interface CaptionProbeRequest {
  config: ModelConfig;
  /** 'q8', 'fp32' or encoder+decoder ('fp32+q8'). */
  dtype: string;
  imageUrls: string[];
  captionCounts: number[];
  maxNewTokens: number;
}

export interface CaptionProbeResult {
  dtype: string;
  loadMs: number;
  threads: number;
  /** Per photo: the encoder pass alone, then caption() for each count (encoder included). */
  images: CaptionProbe['images'];
}

/** The app's own built analysis worker, driven directly (no UI): the product's search path. */
export interface AppWorkerRequest {
  workerUrl: string;
  /** The build's query worker, linked to the analysis worker as the app links them (an older build has none). */
  queryWorkerUrl?: string;
  config: ModelConfig;
  coldQuery: string;
  /** Untimed, after the cold search and before the timed ones. */
  warmup: string[];
  queries: string[];
  /** Pause after the warm-up, before the timed searches (a person types the next query seconds later; background warming runs meanwhile). */
  warmAfterMs?: number;
}

export interface AppWorkerResult {
  /** From `new Worker` to the first results: Library.open alongside the embedder load, then the query. */
  coldMs: number;
  coldResults: number;
  warmMs: number[];
  /** The worker's startup marks during the cold search (ms since the worker started). */
  trace: { name: string; at: number }[];
  /** Per timed warm search, in order: where its time went in the worker (workers/lib/search-steps.ts);
   *  empty from a build without that hook. */
  steps: SearchSteps[];
}

export interface PipelineBenchPage {
  appWorkerSearch(req: AppWorkerRequest): Promise<AppWorkerResult>;
  seed(req: SeedRequest): Promise<SeedReport>;
  queries(req: QueryRequest): Promise<QueryResult>;
  probeCaption(req: CaptionProbeRequest): Promise<CaptionProbeResult>;
}

declare global {
  interface Window {
    __pipelineBench?: PipelineBenchPage;
  }
}
