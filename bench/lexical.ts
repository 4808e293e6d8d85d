// npm run bench:lexical -- [--old DIR] [--n 100000] [--queries 300] [--rounds 3]
// The lexical index alone, in Node, over the pipeline bench's library: n records built from the
// shared captions (cycled as bench:pipeline seeds them), loaded from a snapshot as the app loads
// it, searched with the held-out captions. Prints the postings a query reaches, the warm pass
// (LexicalIndex.warmImpacts: steps, ms), the per-query times of the searches after one search and
// the pass (as in the app), and with --old DIR (a checkout of other code) index.search p50 / p95
// of old and new alternating query by query, with how many queries gave identical hits and scores.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from './lib/args.ts';
import { heldOutQueries, recordSource, type CaptionedEntry } from './pipeline/synthetic.ts';
import * as text from '../src/core/text/index.ts';
import { analyzeRecord } from '../src/core/text/analyze.ts';
import type { DocData } from '../src/core/text/lexical-types.ts';

type TextModule = typeof text;
const args = parseArgs(process.argv.slice(2));
const n = Number(args.get('n') ?? 100_000);
const queryCount = Number(args.get('queries') ?? 300);
const rounds = Number(args.get('rounds') ?? 3);
const repoRoot = path.resolve(import.meta.dirname, '..');
const shared = path.resolve(process.env.GLIMPSE_SHARED_DATA ?? path.resolve(repoRoot, '../shared/data'), 'captioned');
const entries = JSON.parse(readFileSync(path.join(shared, 'captions.json'), 'utf8')) as CaptionedEntry[];
const quantiles = (xs: number[]): string => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${s[Math.floor(s.length / 2)]!.toFixed(2)} / p95 ${s[Math.floor(s.length * 0.95)]!.toFixed(2)} ms`;
};

/** The library's index built by `mod`, from a snapshot of it (the app loads it so). */
function buildIndex(mod: TextModule): text.LexicalIndex {
  const records = recordSource(entries, { captioner: 'c', embedder: 'e' });
  const analysed = new Map<text.AnalyticsRecord, DocData>();
  const index = new mod.LexicalIndex(mod.FULL_OPTIONS);
  for (let i = 0; i < n; i++) {
    const r = records.recordOf(i);
    let d = analysed.get(r);
    if (!d) analysed.set(r, (d = analyzeRecord(r, mod.FULL_OPTIONS.analyzer)));
    index.addAnalysed(i + 1, d);
  }
  return mod.fromSnapshot(mod.toSnapshot(index)) as text.LexicalIndex;
}

console.log(`bench:lexical: ${n} records, ${queryCount} held-out queries, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const queries = heldOutQueries(entries).slice(0, queryCount + 13);
const index = buildIndex(text);
const analysed = queries.map((q) => text.analyzeQuery(q, index.options));
const opts = { limit: 100, explain: false };

// The postings a query reaches (every alternative of every word; the index's own table, read as a bench may).
const terms = (index as unknown as { terms: { list(k: string): { length: number } | undefined } }).terms;
let postings = 0;
for (const q of analysed.slice(0, queryCount)) for (const t of q.terms) for (const a of t.alternatives) postings += terms.list(a.key)?.length ?? 0;
console.log(`postings reached a query: mean ${Math.round(postings / queryCount)}`);

// As in the app: one search, then the warm pass, then the next searches one by one.
index.search(analysed.at(-1)!, opts);
const step = index.warmImpacts();
let steps = 1;
const t0 = performance.now();
while (step(65_536)) steps++;
console.log(`warm pass: ${steps} steps, ${(performance.now() - t0).toFixed(1)} ms, ${index.keptScores} postings kept`);
const next = analysed.slice(queryCount, queryCount + 12).map((q) => {
  const t = performance.now();
  index.search(q, opts);
  return performance.now() - t;
});
console.log(`the 12 searches after it, ms: ${next.map((x) => x.toFixed(1)).join(' ')}`);

if (args.has('old')) {
  const oldMod = (await import(pathToFileURL(path.resolve(args.get('old')!, 'src/core/text/index.ts')).href)) as TextModule;
  const sides = [
    { name: 'old', index: buildIndex(oldMod), ms: [] as number[] },
    { name: 'new', index: buildIndex(text), ms: [] as number[] },
  ];
  let same = 0;
  for (let r = 0; r < rounds; r++) {
    analysed.slice(0, queryCount).forEach((q, i) => {
      const order = (r + i) % 2 === 0 ? sides : [...sides].reverse();
      const hits = order.map((side) => {
        const t = performance.now();
        const h = side.index.search(q, opts);
        side.ms.push(performance.now() - t);
        return JSON.stringify(h.map((x) => [x.id, x.score]));
      });
      if (r === 0 && hits[0] === hits[1]) same++;
    });
  }
  for (const side of sides) console.log(`${side.name} index.search: ${quantiles(side.ms)} (${rounds} rounds, alternating)`);
  console.log(`identical hits and scores: ${same}/${queryCount}`);
}
console.log(`load after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
