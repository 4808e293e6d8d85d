// Per-run summary of per-image timings (both environments).
import { median } from './stats.ts';
import { STAGES, type ImageTiming, type IndexRun, type StageMs } from './types.ts';

export function summarize(captionCount: number, maxNewTokens: number, perImage: ImageTiming[], wallMs: number): IndexRun {
  const stageMedianMs = Object.fromEntries(STAGES.map((s) => [s, median(perImage.map((p) => p.stageMs[s]))])) as StageMs;
  const other = perImage.map((p) => p.wallMs - STAGES.reduce((a, s) => a + p.stageMs[s], 0));
  return { captionCount, maxNewTokens, images: perImage.length, wallMs, imagesPerSecond: (perImage.length * 1000) / wallMs, stageMedianMs, otherMedianMs: median(other), perImage };
}
