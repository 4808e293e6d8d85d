// Pair precision and recall of a grouping against known groups: every unordered pair of images
// in one group counts as one pair (a group of 3 holds 3 pairs).

const key = (a: string, b: string): string => (a < b ? `${a}\n${b}` : `${b}\n${a}`);

function pairsOf(groups: readonly (readonly string[])[]): Set<string> {
  const out = new Set<string>();
  for (const g of groups) for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) out.add(key(g[i]!, g[j]!));
  return out;
}

/** True pairs among the images present (a set evaluated with --limit may lack some). */
export function truthPairs(groups: readonly (readonly string[])[], present: ReadonlySet<string>): Set<string> {
  return pairsOf(groups.map((g) => g.filter((f) => present.has(f))));
}

export function pairScores(predicted: readonly (readonly string[])[], truth: ReadonlySet<string>): { precision: number; recall: number; predicted: number; correct: number } {
  const pred = pairsOf(predicted);
  let correct = 0;
  for (const p of pred) if (truth.has(p)) correct++;
  // No predicted pair: nothing claimed wrongly (precision 1), as is usual for a curve's strict end.
  return { precision: pred.size ? correct / pred.size : 1, recall: truth.size ? correct / truth.size : 1, predicted: pred.size, correct };
}
