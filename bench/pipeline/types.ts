// Result shapes of the pipeline benchmark (shared by Node, the browser pages and the report).
import type { CaptionParts } from './probe.ts';
import type { ColdReport, WarmReport } from './query-timing.ts';
import type { Dist } from './stats.ts';
import type { SeedReport, SeedSpec } from './synthetic.ts';

export const STAGES = ['decode', 'caption', 'triplets', 'embed', 'write'] as const;
export type Stage = (typeof STAGES)[number];
export type StageMs = Record<Stage, number>;

/** One image as the pipeline saw it. */
export interface ImageTiming {
  name: string;
  stageMs: StageMs;
  /** Wall clock of the whole add, as its caller saw it. */
  wallMs: number;
  captions: string[];
}

export interface IndexRun {
  captionCount: number;
  maxNewTokens: number;
  images: number;
  /** Wall clock over the N adds, one after another, models already loaded. */
  wallMs: number;
  imagesPerSecond: number;
  /** Median ms per image, per stage. */
  stageMedianMs: StageMs;
  /** Median of (wall − sum of stages): transfer, bridge and scheduling. */
  otherMedianMs: number;
  /** Captions produced: mean tokens and how many reached maxNewTokens (random weights may stop early). */
  captionTokens?: { mean: number; atMax: number; captions: number };
  perImage: ImageTiming[];
  /** Epoch ms (Node's clock) around the run, to line it up with the machine's load. */
  startedAt?: number;
  endedAt?: number;
  /** Mean 1-minute load average sampled during the run (2 cores: above 2 means others were waiting too). */
  loadAvg?: number;
}

export interface QueryReport {
  spec: SeedSpec;
  seed: SeedReport;
  warm: WarmReport;
  cold: ColdReport & { withWorkerStartMs?: number };
  notes: string[];
}

export interface EnvReport {
  env: 'chromium-wasm' | 'node';
  runtime: Record<string, unknown>;
  modelLoadMs: number;
  runs: IndexRun[];
  query?: QueryReport;
  /** The app's own built analysis worker (no UI), after a browser restart (Chromium only). */
  appQuery?: { coldMs: number; coldRunsMs?: number[]; coldResults: number; warm: Dist; firstVisitColdMs: number };
  /** The app page itself: the first search through window.__glimpse after a restart, UI running. */
  appPage?: { searchMs?: number; sinceNavigationMs?: number; timedOutAfterMs?: number; results?: number };
  /** --compare-dist with photos: ingest side by side with another build, per caption count. */
  ingestCompare?: IngestCompare[];
  /** Diagnostic (--probe-caption): the captioner alone per dtype. */
  captionProbe?: CaptionProbe[];
  notes: string[];
}

export interface CaptionProbe {
  dtype: string;
  loadMs: number;
  threads?: number;
  /** Per photo: the encoder pass alone, caption() per count (encoder included), and caption(1) split per session run. */
  images: { encodeMs: number; captionMs: Record<string, number>; parts?: CaptionParts }[];
}

/** One caption count's ingest, this build ('new') against another ('old'), alternating per round. */
export interface IngestCompare {
  captionCount: number;
  /** Photos per round, per side. */
  photos: number;
  rounds: number;
  oldDist: string;
  /** Photos/s end to end, one figure per round. */
  oldPhotosPerSecond: number[];
  newPhotosPerSecond: number[];
  oldMedian: number;
  newMedian: number;
  /** newMedian / oldMedian (above 1: this build ingests faster). */
  ratio: number;
  /** Median 1-minute load average at the end of each side's rounds. */
  loadAvg1: number;
}
