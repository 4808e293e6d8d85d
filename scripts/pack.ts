// npm run pack -- <folder> --out <dir> [--models <dir>] [--captions 3] [--shard i/n]
// Indexes a folder in Node with the app's own analyzeImage (onnxruntime-node through
// transformers.js, decoding with sharp) and writes a static pack (src/core/pack/format.ts).
// Analysed photos are kept in <out>.work/ by SHA-256: a re-run analyses only new ones.
// With --shard i/n only every n-th photo (from the i-th) is analysed and no pack is written:
// npm run pack:merge joins the shards' work folders into one pack.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeInNode } from '../bench/pipeline/node-decode.ts';
import { analyzeImage, type Decoder } from '../workers/lib/analyze-image.ts';
import { ModelHost, type Loaded } from '../workers/lib/model-host.ts';
import { Progress } from './pack/progress.ts';
import { WorkFolder } from './pack/work.ts';
import { writePack } from './pack/write-pack.ts';

const IMAGE = /\.(jpe?g|png|webp|gif|avif|heic|heif|bmp)$/i;
const MIME: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', avif: 'image/avif', heic: 'image/heic', heif: 'image/heif', bmp: 'image/bmp' };

function listImages(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((f) => IMAGE.test(f) && statSync(path.join(root, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, models: { type: 'string', default: 'models' }, captions: { type: 'string', default: '3' }, shard: { type: 'string' } },
});
const folder = positionals[0];
if (!folder || !values.out) {
  console.error('usage: npm run pack -- <folder> --out <dir> [--models <dir>] [--captions 3] [--shard i/n]');
  process.exit(2);
}
const out = path.resolve(values.out);
const [shardI, shardN] = (values.shard ?? '1/1').split('/').map(Number) as [number, number];
if (!(shardN >= 1 && shardI >= 1 && shardI <= shardN)) throw new Error(`--shard must be i/n with 1 ≤ i ≤ n, got ${values.shard}`);
const work = new WorkFolder(values.shard ? `${out}.work-${shardI}-of-${shardN}` : `${out}.work`);
const files = listImages(folder).filter((_, k) => k % shardN === shardI - 1);

const nodeDecoder: Decoder = (bytes, name, _type, o) => decodeInNode(new Uint8Array(bytes), name, o.thumbSize, o.modelSize);
let models: Promise<Loaded> | undefined;
const host = new ModelHost();
// Loaded only when some photo is new: a re-run over a done folder never starts onnxruntime.
const loadModels = (): Promise<Loaded> =>
  (models ??= host.load({ captionerId: 'Xenova/vit-gpt2-image-captioning', embedderId: 'Xenova/all-MiniLM-L6-v2', allowHub: false, backend: 'auto', localModelPath: `${path.resolve(values.models)}${path.sep}` }));

const progress = new Progress(files.length);
let analysed = 0, skipped = 0, rejected = 0;
for (const rel of files) {
  const file = path.join(folder, rel);
  const bytes = readFileSync(file);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (work.has(sha)) {
    skipped++;
    progress.tick(false);
    continue;
  }
  const type = MIME[rel.split('.').pop()!.toLowerCase()] ?? '';
  const meta = { name: path.basename(rel), path: rel, type, lastModified: Math.round(statSync(file).mtimeMs) };
  try {
    const m = await loadModels();
    const { prepared } = await analyzeImage(new Blob([bytes]), meta, m, { captionCount: Number(values.captions), maxNewTokens: 20, thumbSize: 256, decode: nodeDecoder });
    const p = prepared!;
    work.put({
      sha256: p.sha256, name: meta.name, path: rel, size: p.size, type, width: p.width, height: p.height, takenAt: meta.lastModified, record: p.record,
      text: p.textVector, visual: p.visualVector, thumb: new Uint8Array(await p.thumb.arrayBuffer()),
      models: { captioner: m.captioner.modelId, embedder: m.embedder.modelId },
    });
    analysed++;
  } catch (e) {
    if ((e as Error).name !== 'ImageRejectedError') throw e;
    rejected++;
    progress.note(`${rel}: skipped, ${(e as Error).message}`);
  }
  progress.tick(true);
}
progress.done();
console.log(`pack: ${files.length} photo(s) in ${folder}${values.shard ? ` (shard ${shardI}/${shardN})` : ''}: ${analysed} analysed, ${skipped} already done, ${rejected} not images`);
if (!values.shard) {
  const manifest = await writePack(out, work.items());
  console.log(`pack: wrote ${out} (${manifest.count} photos, ${(manifest.bytes / 1e6).toFixed(2)} MB of parts)`);
}
if (models) await (await models).captioner.dispose().then(() => models!.then((m) => m.embedder.dispose()));
