// Where each text search's time went, step by step, for the last searches: bench:pipeline reads
// them to split the slow searches (p95), not only the typical one. A few clock reads per search.
import type { SearchTrace } from '../../src/core/forest';

export interface SearchSteps {
  /** ms from the search's start until the query vector was there (embedder ready + embed). */
  vector: number;
  /** ms from the start until the lexical ranking was there (library ready + BM25). */
  lexical: number;
  /** The embed call's own ms (inside `vector`, which also holds whatever ran before it on the thread). */
  embed: number;
  /** The lexical ranking's own ms (prepareText's wall time, inside `lexical`). */
  prepare: number;
  /** The text forest's search: its whole time, and the share spent reading and scoring exact vectors. */
  forest: number;
  forestVectors: number;
  /** The forest's exact-step vector reads for that search (each from the vector slab, and the store for what it lacks). */
  vectorReads: number;
  fuse: number;
  /** The result rows read from IndexedDB. */
  rows: number;
  /** Start to results, in the worker. */
  total: number;
  /** 1 when the query worker made the vector (src/bridge/query-link.ts), 0 when this worker did. */
  queryWorker: number;
}

const KEPT = 200;
const recent: SearchSteps[] = [];

/** One search's clock: mark the steps as they end, then `done()` files the record. */
export class StepClock {
  private readonly t0 = performance.now();
  readonly steps: SearchSteps = { vector: 0, lexical: 0, embed: 0, prepare: 0, forest: 0, forestVectors: 0, vectorReads: 0, fuse: 0, rows: 0, total: 0, queryWorker: 0 };
  /** Handed to the forest search: it fills in its own split. */
  readonly forestTrace: SearchTrace = { leaves: 0, entries: 0, pageFetchRounds: 0, clock: () => performance.now() };

  since(): number {
    return performance.now() - this.t0;
  }

  done(): void {
    this.steps.total = this.since();
    this.steps.forestVectors = this.forestTrace.vectorsMs ?? 0;
    this.steps.vectorReads = this.forestTrace.vectorReads ?? 0;
    recent.push(this.steps);
    if (recent.length > KEPT) recent.shift();
  }
}

/** The last searches' steps, oldest first (test hook and bench:pipeline). */
export function searchSteps(): SearchSteps[] {
  return recent.slice();
}
