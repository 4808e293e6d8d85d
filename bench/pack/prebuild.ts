// Builds (or finds) the bench pack for --n without measuring: `tsx bench/pack/prebuild.ts --n 100000`.
import { parseArgs } from '../lib/args.ts';
import { ensurePack } from './build.ts';

const args = parseArgs(process.argv.slice(2));
const n = Number(args.get('n') ?? 100_000);
const r = await ensurePack({ n, queries: 0, textDim: 384, visualDim: 768, thumbs: Number(args.get('thumbs') ?? 1000), seed: Number(args.get('seed') ?? 7) }, console.log);
console.log(`${r.dir}: ${r.manifest.count} photos${r.buildSeconds ? `, built in ${r.buildSeconds.toFixed(0)} s` : ', already built'}`);
