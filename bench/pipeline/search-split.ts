// The warm searches' split (workers/lib/search-steps.ts), the typical one beside the slow ones:
// a p95 over the target is cut where the slow searches spend more than the typical ones do.
import type { SearchSteps } from '../../workers/lib/search-steps.ts';
import { dist, percentile } from './stats.ts';

export interface TimedSteps {
  /** The search as the page timed it (the worker's round trip included). */
  pageMs: number;
  steps: SearchSteps;
}

const STEPS = ['vector', 'embed', 'lexical', 'prepare', 'forest', 'forestVectors', 'fuse', 'rows', 'total'] as const;

/** Per step: p50 and p95 over all searches, then the mean over the searches at or past the page's p95. */
export function splitLine(timed: readonly TimedSteps[]): string {
  const pageP95 = percentile(
    timed.map((t) => t.pageMs).sort((a, b) => a - b),
    95,
  );
  const slow = timed.filter((t) => t.pageMs >= pageP95);
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const parts = STEPS.map((name) => {
    // An older build files fewer steps (embed and prepare came later).
    if (timed.some((t) => t.steps[name] === undefined)) return `${name} n/a`;
    const d = dist(timed.map((t) => t.steps[name]));
    return `${name} ${d.p50.toFixed(1)}/${d.p95.toFixed(1)} (slow ${mean(slow.map((t) => t.steps[name])).toFixed(1)})`;
  });
  const outside = dist(timed.map((t) => t.pageMs - t.steps.total));
  const reads = mean(timed.map((t) => t.steps.vectorReads));
  const remote = timed.filter((t) => t.steps.queryWorker === 1).length;
  return `${timed.length} searches, ms p50/p95 (mean of the ${slow.length} at or past the page's p95 ${pageP95.toFixed(1)}): ${parts.join(', ')}; outside the worker's search ${outside.p50.toFixed(1)}/${outside.p95.toFixed(1)} (slow ${mean(slow.map((t) => t.pageMs - t.steps.total)).toFixed(1)}); exact-step vector reads per search (slab, then store) ${reads.toFixed(1)} (slow ${mean(slow.map((t) => t.steps.vectorReads)).toFixed(1)}); vectors from the query worker ${remote} of ${timed.length}`;
}
