// bench:index's table of several data sets side by side (one row a set), from each set's result.
interface SetResult {
  data: { name: string; meanCos1: number; meanCos10: number; lid20: number; meanNorm: number };
  n: number;
  dim: number;
  brute: { float32: { qps: number }; float16: { recallAt10: number }; int8: { recallAt10: number } };
  targets: {
    reference: { searchK: number; recallAt10: number; qps: number; rerankedPerQuery: number };
    speedupVsBruteAtRecall95: number | null;
    peerQpsOverOursAtSameRecall: number | null;
    recallBySearchK: { searchK: number; recallAt10: number }[];
  };
  peers: { hnswlib?: { ef: number; recallAt10: number; qps: number } };
  deleted?: { recallAfter: number; recallFreshOfRest?: number; advice: { action: string } };
  incremental?: { recallAfterAdd: number; recallFresh: number };
}

export function sideBySide(results: readonly Record<string, unknown>[]): string {
  const head = ['set', 'N×d', 'cos@1', 'cos@10', 'LID', '‖mean‖', 'brute q/s', 'cap f16/i8', 'searchK', 'recall', 'q/s', '×brute', 're-ranked', 'hnsw ef: recall, q/s', 'hnsw/ours', 'recall by searchK', 'delete 10 %: after / fresh rest, advice', 'add 1k: after / fresh'];
  const rows = (results as unknown as SetResult[]).map((r) => {
    const t = r.targets, h = r.peers.hnswlib;
    return [
      r.data.name, `${r.n}×${r.dim}`, r.data.meanCos1, r.data.meanCos10, r.data.lid20, r.data.meanNorm, r.brute.float32.qps,
      `${r.brute.float16.recallAt10}/${r.brute.int8.recallAt10}`, t.reference.searchK, t.reference.recallAt10, t.reference.qps,
      t.speedupVsBruteAtRecall95 ?? '-', t.reference.rerankedPerQuery, h ? `${h.ef}: ${h.recallAt10}, ${h.qps}` : '-', t.peerQpsOverOursAtSameRecall ?? '-',
      t.recallBySearchK.map((x) => x.recallAt10).join(' '),
      r.deleted ? `${r.deleted.recallAfter} / ${r.deleted.recallFreshOfRest ?? '-'}, ${r.deleted.advice.action}` : '-',
      r.incremental ? `${r.incremental.recallAfterAdd} / ${r.incremental.recallFresh}` : '-',
    ].map(String);
  });
  return [head, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n').replace(/\n/, `\n|${head.map(() => '---').join('|')}|\n`);
}
