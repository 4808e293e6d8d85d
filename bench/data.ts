// npm run bench:data -- [--data syn,dups,glove,patches,descriptors,sift] [--n 100000] [--queries 1000] [--seed 1] [--json]
// Builds (or finds cached under bench/out/data) each named set and its exact top-100 ground
// truth, and prints its shape (bench/lib/shape.ts), so a set's kind is shown, not asserted.
import { parseArgs } from './lib/args.ts';
import { loadDataset, SETS } from './lib/dataset.ts';
import { shapeLine, shapeOf } from './lib/shape.ts';

const args = parseArgs(process.argv.slice(2));
const log = (s: string): void => void process.stderr.write(s + '\n');
const sets = (args.get('data') ?? SETS.join(',')).split(',');
const out: Record<string, unknown> = {};
for (const set of sets) {
  const ds = await loadDataset({ set, n: Number(args.get('n') ?? 100000), dim: Number(args.get('dim') ?? 384), queries: Number(args.get('queries') ?? 1000), seed: Number(args.get('seed') ?? 1), cacheDir: args.get('cache-dir') ?? 'bench/out' }, log);
  const s = shapeOf(ds);
  out[set] = { name: ds.name, ...s, params: ds.params };
  log(shapeLine(set, s));
}
if (args.get('json') === 'true') console.log(JSON.stringify(out));
