// Fusing the vector (SBERT) ranking with the lexical ranking.
//
// Default: reciprocal-rank fusion. Cosine similarities and BM25 scores live on
// unrelated scales (BM25 grows with query length and collection idf), so adding
// them needs per-query normalisation that is fragile on tiny galleries; RRF uses
// ranks only, needs no calibration and is robust when one side is missing.
// Weighted min-max fusion is offered for when scores are known to be calibrated.
// Relevance is gated on the raw inputs (cosine / lexical score thresholds), not on
// the fused value, because an RRF score says nothing about absolute relevance.

export interface Ranked {
  readonly id: number;
  readonly score: number;
}

export interface FusedHit {
  readonly id: number;
  readonly score: number;
  readonly vectorRank?: number; // 1-based
  readonly lexicalRank?: number;
  readonly vectorScore?: number;
  readonly lexicalScore?: number;
}

export interface Gate {
  /** Keep a vector hit only if its similarity is at least this (default: keep all). */
  readonly vectorMin?: number;
  /** Keep a lexical hit only if its score is at least this (default: keep all). */
  readonly lexicalMin?: number;
  readonly limit?: number;
}

export interface RrfOptions extends Gate {
  /** RRF damping constant; 60 is the value from Cormack et al. (2009). */
  readonly k?: number;
  readonly vectorWeight?: number;
  readonly lexicalWeight?: number;
}

export interface WeightedOptions extends Gate {
  /** Share of the vector side, 0..1 (default 0.5). */
  readonly alpha?: number;
  /** Drop fused hits below this (both inputs are min-max scaled to 0..1 first). */
  readonly minScore?: number;
}

interface Entry {
  id: number;
  score: number;
  vectorRank?: number;
  lexicalRank?: number;
  vectorScore?: number;
  lexicalScore?: number;
}

function gated(list: readonly Ranked[], min: number | undefined): Ranked[] {
  return list.filter((r) => min === undefined || r.score >= min).sort((a, b) => b.score - a.score || a.id - b.id);
}

function collect(
  vector: readonly Ranked[],
  lexical: readonly Ranked[],
  gate: Gate,
  add: (e: Entry, side: 'v' | 'l', r: Ranked, rank: number, list: Ranked[]) => void,
): FusedHit[] {
  const byId = new Map<number, Entry>();
  const sides: ['v' | 'l', Ranked[]][] = [
    ['v', gated(vector, gate.vectorMin)],
    ['l', gated(lexical, gate.lexicalMin)],
  ];
  for (const [side, list] of sides) {
    list.forEach((r, i) => {
      let e = byId.get(r.id);
      if (!e) byId.set(r.id, (e = { id: r.id, score: 0 }));
      if (side === 'v') [e.vectorRank, e.vectorScore] = [i + 1, r.score];
      else [e.lexicalRank, e.lexicalScore] = [i + 1, r.score];
      add(e, side, r, i + 1, list);
    });
  }
  return [...byId.values()].sort((a, b) => b.score - a.score || a.id - b.id);
}

export function reciprocalRankFusion(vector: readonly Ranked[], lexical: readonly Ranked[], opts: RrfOptions = {}): FusedHit[] {
  const k = opts.k ?? 60;
  const wv = opts.vectorWeight ?? 1;
  const wl = opts.lexicalWeight ?? 1;
  const fused = collect(vector, lexical, opts, (e, side, _r, rank) => {
    e.score += (side === 'v' ? wv : wl) / (k + rank);
  });
  return fused.slice(0, opts.limit ?? Infinity);
}

export function weightedScoreFusion(vector: readonly Ranked[], lexical: readonly Ranked[], opts: WeightedOptions = {}): FusedHit[] {
  const alpha = opts.alpha ?? 0.5;
  const scale = (r: Ranked, list: readonly Ranked[]): number => {
    const hi = list[0]?.score ?? 0;
    const lo = list[list.length - 1]?.score ?? 0;
    return hi === lo ? 1 : (r.score - lo) / (hi - lo);
  };
  const fused = collect(vector, lexical, opts, (e, side, r, _rank, list) => {
    e.score += (side === 'v' ? alpha : 1 - alpha) * scale(r, list);
  });
  const min = opts.minScore ?? -Infinity;
  return fused.filter((h) => h.score >= min).slice(0, opts.limit ?? Infinity);
}
