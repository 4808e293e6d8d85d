// bench:pack:keywords — a pack's keyword search in Node, its CPU only: the split index of
// bench:pack's pack (built or reused under /tmp, bench/pack/build.ts) read from disk (every part
// read once, before timing), then the held-out captions as queries: per query the analysis, the
// prepare (postings and triplet lists decoded; the reads are in memory) and the ranking. A fresh
// index each round, so each round's first query is a cold one as in a new worker.
// --against DIR: the same from another checkout's sources (e.g. a `git worktree` of main),
// alternating round by round in this one process, for old and new side by side.
// Usage: npm run bench:pack:keywords [-- --n 100000 --queries 20 --rounds 5 --against DIR]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { partPath } from '../../src/core/pack/format.ts';
import { captionedEntries } from '../../test/browser/helpers/library-page.ts';
import { parseArgs } from '../lib/args.ts';
import { median } from '../pipeline/stats.ts';
import { heldOutQueries } from '../pipeline/synthetic.ts';
import { ensurePack, type PackSpec } from './build.ts';

const args = parseArgs(process.argv.slice(2));
const num = (k: string, d: number): number => Number(args.get(k) ?? d);
const spec: PackSpec = { n: num('n', 100_000), queries: num('queries', 20), textDim: 384, visualDim: 768, thumbs: 1000, seed: 7 };
const ROUNDS = num('rounds', 5);
const root = path.resolve(import.meta.dirname, '../..');

interface Tree {
  name: string;
  text: typeof import('../../src/core/text/index.ts');
  split: typeof import('../../src/core/text/split-search.ts');
}

async function tree(name: string, dir: string): Promise<Tree> {
  return { name, text: await import(path.join(dir, 'src/core/text/index.ts')), split: await import(path.join(dir, 'src/core/text/split-search.ts')) };
}

const { dir, manifest } = await ensurePack(spec, (s) => console.log(s));
const parts = new Map<string, Uint8Array>();
const part = (h: string): Uint8Array => parts.get(h) ?? parts.set(h, new Uint8Array(readFileSync(path.join(dir, partPath(h))))).get(h)!;
const head: unknown = JSON.parse(new TextDecoder().decode(part(manifest.lexical)));
part((head as { postings: string }).postings);
for (const [, p] of (head as { pages: [string, string][] }).pages) part(p);
const queries = heldOutQueries(captionedEntries())
  .filter((q, i, all) => all.indexOf(q) === i)
  .slice(0, spec.queries);

const trees = [await tree('this tree', root)];
if (args.has('against')) trees.push(await tree(args.get('against')!, path.resolve(args.get('against')!)));

/** One round: a fresh index, every query; ms per step summed, and the first query's own total. */
async function round(t: Tree): Promise<{ analyze: number; prepare: number; rank: number; first: number }> {
  const lexical = t.split.SplitLexical.open(head, {
    part: async (h) => part(h),
    ranges: async (h, r) => r.map(([a, b]) => part(h).subarray(a, b)),
    inflate: async (b) => new Uint8Array(inflateRawSync(b)),
  }, t.text.FULL_OPTIONS);
  const sum = { analyze: 0, prepare: 0, rank: 0, first: 0 };
  for (const [i, q] of queries.entries()) {
    const t0 = performance.now();
    const analysed = t.text.analyzeQuery(q, lexical.options);
    const t1 = performance.now();
    const view = await lexical.prepare(analysed);
    const t2 = performance.now();
    view.search({ limit: 100 });
    const t3 = performance.now();
    sum.analyze += t1 - t0;
    sum.prepare += t2 - t1;
    sum.rank += t3 - t2;
    if (i === 0) sum.first = t3 - t0;
  }
  return sum;
}

const runs = new Map(trees.map((t) => [t.name, [] as Awaited<ReturnType<typeof round>>[]]));
for (let r = 0; r < ROUNDS; r++) for (const t of r % 2 === 0 ? trees : [...trees].reverse()) runs.get(t.name)!.push(await round(t));

console.log(`pack: ${dir} (${manifest.count} photos); ${queries.length} queries a round, ${ROUNDS} rounds, a fresh index each round (Node, CPU only: parts in memory)`);
const ms = (xs: number[]): string => `${median(xs).toFixed(1)} ms`;
for (const t of trees) {
  const rs = runs.get(t.name)!;
  console.log(`${t.name}: medians over rounds: all queries ${ms(rs.map((x) => x.analyze + x.prepare + x.rank))} (analysis ${ms(rs.map((x) => x.analyze))}, prepare ${ms(rs.map((x) => x.prepare))}, ranking ${ms(rs.map((x) => x.rank))}); the first query ${ms(rs.map((x) => x.first))}`);
}
