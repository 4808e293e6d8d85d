// npm run pack:merge -- --out <dir> <shard work folder>…  (default: every <out>.work-i-of-n)
// Joins the work folders of `npm run pack -- --shard i/n` runs into one pack: ids follow the
// photos' paths, so the pack equals one unsharded run over the same folder.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WorkFolder, type WorkItem } from './pack/work.ts';
import { writePack } from './pack/write-pack.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' } } });
if (!values.out) {
  console.error('usage: npm run pack:merge -- --out <dir> [<shard work folder>…]');
  process.exit(2);
}
const out = path.resolve(values.out);
const base = path.basename(out);
const dirs = positionals.length > 0 ? positionals : readdirSync(path.dirname(out)).filter((n) => n.startsWith(`${base}.work-`)).map((n) => path.join(path.dirname(out), n));
if (dirs.length === 0 || !dirs.every((d) => existsSync(d))) throw new Error(`No shard work folders found for ${out} (looked for ${out}.work-i-of-n).`);
const bySha = new Map<string, WorkItem>();
for (const d of dirs) for (const it of new WorkFolder(d).items()) bySha.set(it.sha256, it);
const manifest = await writePack(out, [...bySha.values()]);
console.log(`pack:merge: ${dirs.length} shard(s), wrote ${out} (${manifest.count} photos, ${(manifest.bytes / 1e6).toFixed(2)} MB of parts)`);
