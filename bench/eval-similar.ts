// eval:similar — how well near-duplicates are grouped, on a set with known groups (make one with
// `npm run eval:similar:make`). Every image goes through the real app path in headless Chromium:
// the built app's analysis worker decodes it, hashes it (decode-image.ts) and computes its visual
// vector, then stores it. Then:
// 1. THE FIGURE: pair precision and recall of the grouping by perceptual-hash distance over all
//    pairs of images, at every threshold (the curve) and at the default. This rests only on
//    the hashes, which are real here (no learned weights in them).
// 2. The app path as shipped: candidate pairs from the visual forest's neighbours + equal hashes,
//    grouped the same way. With the tiny random-weight test models (no real ViT weights here) the
//    visual neighbours are NOT meaningful: this shows the path runs end to end and how many true
//    pairs its candidates reached, not a quality figure for real models.
// 3. Agreement of a hash taken from the stored 256-px thumbnail with one taken from the decoded
//    original (what the background pass does for rows from before hashes), on originals enlarged
//    to 1024 px so the thumbnail is a real downscale.
// Usage: npm run build && npm run eval:similar -- --data <dir> [--json] [--limit N] [--agreement 100]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { preview } from 'vite';
import { DEFAULT_SIMILAR_THRESHOLD, groupPairs, hashDistance, parseHashes, type ScoredPair } from '../src/core/similar/index.ts';
import { generateTestModels } from '../scripts/onnx/generate.ts';
import { launch } from '../test/browser/helpers/browser.ts';
import { parseArgs } from './lib/args.ts';
import { pairScores, truthPairs } from './similar/pair-metrics.ts';

const args = parseArgs(process.argv.slice(2));
const data = args.get('data');
if (!data) throw new Error('--data <dir> is required: a folder with images/ and groups.json (npm run eval:similar:make -- --out <dir>)');
const json = args.get('json') === 'true';
const limit = Number(args.get('limit') ?? Infinity);
const agreementN = Number(args.get('agreement') ?? 100);
const log = (s: string): void => void (json ? process.stderr.write(`${s}\n`) : console.log(s));

async function main(): Promise<void> {
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npm run build` first.');
  generateTestModels({ size: 'tiny' });
  const groups = JSON.parse(readFileSync(path.join(data!, 'groups.json'), 'utf8')) as string[][];
  const files = readdirSync(path.join(data!, 'images')).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort().slice(0, limit);
  const server = await preview({ preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const browser = await launch();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.resolvedUrls!.local[0]}?models=test/tiny&testHooks`);
    await page.waitForFunction(() => window.__glimpse !== undefined);
    // One short caption each: captions play no part here, the decode, hash and visual vector do.
    const t0 = Date.now();
    for (const [i, f] of files.entries()) {
      const b64 = readFileSync(path.join(data!, 'images', f)).toString('base64');
      const outcome = await page.evaluate(async ({ b64, f }) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const r = await window.__glimpse!.addImage(new File([bytes], f, { type: 'image/jpeg' }), f, undefined, { captionCount: 1, maxNewTokens: 2, thumbSize: 256 });
        return r.status;
      }, { b64, f });
      if (outcome !== 'indexed') log(`  ${f}: ${outcome}`);
      if ((i + 1) % 100 === 0) log(`  indexed ${i + 1}/${files.length} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
    const stored = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open('glimpse');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      const rows = await new Promise<Array<{ id: number; name: string; phash?: string }>>((ok) => {
        const r = db.transaction('images').objectStore('images').getAll();
        r.onsuccess = () => ok(r.result as Array<{ id: number; name: string; phash?: string }>);
      });
      db.close();
      return rows.map((r) => ({ id: r.id, name: r.name, phash: r.phash }));
    });
    const nameOf = new Map(stored.map((r) => [r.id, r.name]));
    const hashes = new Map<number, Int32Array>();
    for (const r of stored) {
      const h = parseHashes(r.phash);
      if (h) hashes.set(r.id, h);
    }
    log(`${stored.length} images indexed through the app (${((Date.now() - t0) / 1000).toFixed(0)} s), ${hashes.size} with a perceptual hash`);
    const truth = truthPairs(groups, new Set(stored.map((r) => r.name)));

    // 1. All pairs, by hash distance.
    const ids = [...hashes.keys()];
    const all: ScoredPair[] = [];
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
      const d = hashDistance(hashes.get(ids[i]!)!, hashes.get(ids[j]!)!);
      if (d <= 24) all.push({ a: ids[i]!, b: ids[j]!, distance: d });
    }
    const at = (pairs: ScoredPair[], t: number) => pairScores(groupPairs(pairs, t).map((g) => g.ids.map((id) => nameOf.get(id)!)), truth);
    log(`\nall pairs (${(ids.length * (ids.length - 1)) / 2}), grouped by hash distance; ${truth.size} true pairs in ${groups.length} groups`);
    log('threshold  precision  recall  pairs-predicted');
    const curve = [];
    for (let t = 0; t <= 20; t++) {
      const s = at(all, t);
      curve.push({ threshold: t, precision: s.precision, recall: s.recall });
      log(`${String(t).padStart(9)}  ${s.precision.toFixed(3).padStart(9)}  ${s.recall.toFixed(3).padStart(6)}  ${String(s.predicted).padStart(15)}${t === DEFAULT_SIMILAR_THRESHOLD ? '  ← default' : ''}`);
    }
    const headline = at(all, DEFAULT_SIMILAR_THRESHOLD);

    // 2. The app path: candidates from the (tiny-model) visual forest and equal hashes.
    const cand = await page.evaluate(() => window.__glimpse!.similarCandidates());
    const reached = cand.pairs.filter((p) => truth.has(key(nameOf.get(p.a)!, nameOf.get(p.b)!))).length;
    const app = at(cand.pairs, DEFAULT_SIMILAR_THRESHOLD);
    log(`\napp path (candidates: visual-forest neighbours by the TINY RANDOM-WEIGHT model, plus equal hashes): ${cand.pairs.length} candidate pairs reach ${reached}/${truth.size} true pairs; at the default: precision ${app.precision.toFixed(3)}, recall ${app.recall.toFixed(3)} (not a quality figure: random weights)`);

    // 3. Thumbnail against original.
    const agreement = await thumbAgreement(page, groups.map((g) => g[0]!).slice(0, agreementN));
    log(`\nthumbnail vs original (${agreement.n} originals enlarged to 1024 px): whole-photo hash differs in mean ${agreement.mean.toFixed(2)} bits, p95 ${agreement.p95}, max ${agreement.max}; hashDistance mean ${agreement.meanDistance.toFixed(2)}, max ${agreement.maxDistance}`);

    if (json) console.log(JSON.stringify({ precision: headline.precision, recall: headline.recall, threshold: DEFAULT_SIMILAR_THRESHOLD, measures: 'pair precision/recall of grouping all image pairs by perceptual-hash distance (real decode + hash in Chromium; no learned weights)', images: stored.length, truePairs: truth.size, predictedPairs: headline.predicted, curve, appPath: { candidates: cand.pairs.length, truePairsReached: reached, precision: app.precision, recall: app.recall, note: 'visual candidates from tiny random-weight test models' }, thumbnailAgreement: agreement }));
  } finally {
    await browser.close();
    await server.close();
  }
}

function key(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}

/** Hash of each original (enlarged to 1024 px) from the full decode, and again from its thumbnail. */
async function thumbAgreement(page: import('playwright-core').Page, names: string[]) {
  const bits: number[] = [], dists: number[] = [];
  for (const name of names) {
    const big = await sharp(readFileSync(path.join(data!, 'images', name))).resize(1024, 1024, { fit: 'inside', kernel: 'lanczos3' }).jpeg({ quality: 92 }).toBuffer();
    const r = await page.evaluate(async (b64) => {
      const g = window.__glimpse!;
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const full = await g.inspectImage(new File([bytes], 'big.jpg', { type: 'image/jpeg' }), { thumbSize: 256 });
      const fromThumb = await g.inspectImage(new File([full.thumbnail], 'thumb.webp', { type: full.thumbnail.type }), { thumbSize: 64 });
      return [full.phash, fromThumb.phash];
    }, big.toString('base64'));
    const [a, b] = [parseHashes(r[0])!, parseHashes(r[1])!];
    let x = 0;
    for (let w = 0; w < 2; w++) x += [...((a[w]! ^ b[w]!) >>> 0).toString(2)].filter((c) => c === '1').length;
    bits.push(x);
    dists.push(hashDistance(a, b));
  }
  bits.sort((p, q) => p - q);
  return { n: bits.length, mean: bits.reduce((s, v) => s + v, 0) / Math.max(1, bits.length), p95: bits[Math.min(bits.length - 1, Math.ceil(0.95 * bits.length) - 1)] ?? 0, max: bits.at(-1) ?? 0, meanDistance: dists.reduce((s, v) => s + v, 0) / Math.max(1, dists.length), maxDistance: Math.max(0, ...dists) };
}

await main();
