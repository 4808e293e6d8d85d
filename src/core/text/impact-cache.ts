// Each posting's BM25F saturation (the term score before idf), kept per posting list and field
// weighting between searches. A query's words mostly come back ("dog", then "dog running"), and
// the common ones ("man", "person", reached through synonyms) have postings in most documents:
// scoring them was most of a search's time. The values are the very doubles the scorer computes,
// so a search with the cache ranks and scores exactly as one without it.

/** Postings held at most (8 bytes each): 8 MiB. A query of the pipeline bench's 100,000 photos reaches ~110,000. */
export const IMPACT_CACHE_POSTINGS = 1 << 20;

export class ImpactCache {
  private readonly lists = new Map<string, Float64Array>();
  private held = 0;
  /** What the cached scores were computed against; another basis empties the cache. */
  private basis: object | undefined;

  constructor(private readonly cap: number = IMPACT_CACHE_POSTINGS) {}

  /** Postings held now. */
  get size(): number {
    return this.held;
  }

  /** Postings it may hold at most. */
  get capacity(): number {
    return this.cap;
  }

  /**
   * The scores of the list under `key` computed against `basis` (an object the index replaces
   * whenever its documents change: its mean field lengths). `fill` computes them when not held.
   */
  get(basis: object, key: string, length: number, fill: (out: Float64Array) => void): Float64Array {
    if (basis !== this.basis) {
      this.lists.clear();
      this.held = 0;
      this.basis = basis;
    }
    const held = this.lists.get(key);
    if (held && held.length === length) {
      // Most recently used last, so the oldest goes first.
      this.lists.delete(key);
      this.lists.set(key, held);
      return held;
    }
    if (held) this.drop(key, held);
    const out = new Float64Array(length);
    fill(out);
    if (length > this.cap) return out;
    for (const [k, v] of this.lists) {
      if (this.held + length <= this.cap) break;
      this.drop(k, v);
    }
    this.lists.set(key, out);
    this.held += length;
    return out;
  }

  private drop(key: string, scores: Float64Array): void {
    this.lists.delete(key);
    this.held -= scores.length;
  }
}

/** A warm pass's share of the cache: the rest stays for the lists queries reach that it did not fill. */
export const WARM_SHARE = 0.75;
/** Lists shorter than this are cheap to score on the fly; a warm pass leaves them to the queries. */
export const WARM_MIN_POSTINGS = 512;

/**
 * The keys a warm pass fills, in the order it fills them: the longest lists that fit in the cache's
 * warm share, shortest of them first, so that a query's own lists later push out the least useful first.
 */
export function warmOrder(longestFirst: readonly string[], lengthOf: (key: string) => number, capacity: number): string[] {
  const room = Math.floor(capacity * WARM_SHARE);
  const chosen: string[] = [];
  let sum = 0;
  for (const key of longestFirst) {
    const n = lengthOf(key);
    if (sum + n > room) continue;
    chosen.push(key);
    sum += n;
  }
  return chosen.reverse();
}
