// npm run eval:ocr -- --data DIR [--json] [--engine paddle|tesseract] [--ocr-size N] [--find-size N]
//                      [--models DIR] [--compare-off] [--limit N]
// Indexes a folder through the app's analysis path (workers/lib/analyze-image.ts: decode with sharp,
// test-model captions, the real OCR weights, SBERT, Library.commit on fake-indexeddb), then prints:
//   word recall and CER of the read text against texts.json; text → image Recall@1/@10 of the
//   queries (queries.json: words visible in that image); ms per image with and without text;
//   per kind (kinds.json: screenshot / photo / none) when the folder has it; and how often a photo
//   without text lands in a top 10 for a word its captions do not hold.
// Captions come from the random-weight test models, so the rankings measure the OCR side only; the
// vector side is off (random embeddings rank at random): queries run on the lexical index, as the
// keyword search the app falls back to. --compare-off also analyses each photo without text with
// OCR off, interleaved, to show what OCR adds to it (ratios only: one machine, one run).
import 'fake-indexeddb/auto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { charErrors, wordRecall, words } from './metrics.ts';
import { decodeInNode } from '../pipeline/node-decode.ts';
import { benchModelConfig } from '../pipeline/models.ts';
import { analyzeImage, type Decoder, type OcrOptions } from '../../workers/lib/analyze-image.ts';
import { Library } from '../../workers/lib/library.ts';
import { ModelHost } from '../../workers/lib/model-host.ts';
import { paddleReader, tesseractReader, type EngineName } from './engines.ts';
import { nodeSource } from './node-source.ts';
import { OCR_SIZE, OCR_THUMB_SIZE } from '../../workers/lib/read-text.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    json: { type: 'boolean', default: false },
    engine: { type: 'string', default: 'paddle' },
    'ocr-size': { type: 'string', default: String(OCR_SIZE) },
    'find-size': { type: 'string', default: '512' },
    models: { type: 'string', default: path.resolve(import.meta.dirname, '../../models/test/tiny') },
    'compare-off': { type: 'boolean', default: false },
    limit: { type: 'string' },
  },
});
const USAGE = 'usage: npm run eval:ocr -- --data DIR [--json] [--engine paddle|tesseract] [--ocr-size N] [--find-size N] [--models DIR] [--compare-off]';
if (!values.data) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
const dir = values.data;
const log = (s: string): void => void (values.json ? process.stderr : process.stdout).write(`${s}\n`);
const readJson = <T>(name: string, fallback: T): T => (existsSync(path.join(dir, name)) ? (JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as T) : fallback);
const queries = readJson<Array<{ query: string; file: string }>>('queries.json', []);
const texts = readJson<Record<string, string>>('texts.json', {});
const kinds = readJson<Record<string, string>>('kinds.json', {});
let files = readdirSync(path.join(dir, 'images')).filter((f) => /\.(png|jpe?g|webp)$/i.test(f)).sort();
if (values.limit) files = files.slice(0, Number(values.limit));
const hasText = (f: string): boolean => (kinds[f] ? kinds[f] !== 'none' : (texts[f] ?? '').trim().length > 0);
const kindOf = (f: string): string => kinds[f] ?? (hasText(f) ? 'text' : 'none');

const nodeDecoder: Decoder = async (bytes, name, _type, o) => {
  const d = await decodeInNode(new Uint8Array(bytes), name, o.thumbSize, o.modelSize);
  return o.keepSource ? { ...d, source: nodeSource(new Uint8Array(bytes)) } : d;
};

const engine = values.engine as EngineName;
if (engine !== 'paddle' && engine !== 'tesseract') throw new Error(`--engine must be paddle or tesseract, got ${engine}`);
const reader = engine === 'paddle' ? await paddleReader(Number(values['find-size'])) : await tesseractReader();
const ocr: OcrOptions = { reader, size: Number(values['ocr-size']), thumbSize: OCR_THUMB_SIZE };
const host = new ModelHost();
const models = await host.load(benchModelConfig(`${path.resolve(values.models)}${path.sep}`));
const library = await Library.open(`glimpse-eval-ocr-${process.pid}`);

interface Row {
  file: string;
  kind: string;
  ms: number;
  offMs?: number;
  read: string;
  captions: string[];
  textDetect: number;
  ocr: number;
}
const rows: Row[] = [];
const idOf = new Map<number, string>();
const analyse = (bytes: Buffer, file: string, withOcr: boolean) =>
  analyzeImage(new Blob([new Uint8Array(bytes)]), { name: file, path: file, type: '', lastModified: 0 }, models, {
    captionCount: 1,
    maxNewTokens: 20,
    thumbSize: 256,
    decode: nodeDecoder,
    ...(withOcr ? { ocr } : {}),
  });
// Warm up both paths once (first runs compile kernels).
if (files[0]) {
  const b = readFileSync(path.join(dir, 'images', files[0]));
  await analyse(b, files[0], true);
  await analyse(b, files[0], false);
}
for (const [i, file] of files.entries()) {
  const bytes = readFileSync(path.join(dir, 'images', file));
  let offMs: number | undefined;
  if (values['compare-off'] && !hasText(file)) {
    const t = performance.now();
    await analyse(bytes, file, false);
    offMs = performance.now() - t;
  }
  const t = performance.now();
  const { prepared, stageMs } = await analyse(bytes, file, true);
  const ms = performance.now() - t;
  if (!prepared) throw new Error(`${file}: not analysed`);
  idOf.set(await library.commit(prepared), file);
  const read = prepared.record.ocr?.text ?? '';
  rows.push({ file, kind: kindOf(file), ms, offMs, read, captions: [...prepared.record.captions], textDetect: stageMs.textDetect, ocr: stageMs.ocr });
  if (!values.json && (i + 1) % 20 === 0) log(`  ${i + 1}/${files.length} analysed`);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2 : 0;
};
const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

function readingFigures(subset: Row[]): { wordRecall: number; cer: number } {
  let found = 0;
  let total = 0;
  let edits = 0;
  let chars = 0;
  for (const r of subset) {
    const ref = texts[r.file];
    if (!ref) continue;
    const w = wordRecall(ref, r.read);
    const c = charErrors(ref, r.read);
    found += w.found;
    total += w.total;
    edits += c.edits;
    chars += c.total;
  }
  return { wordRecall: total ? found / total : 0, cer: chars ? edits / chars : 0 };
}

const perQuery: Array<{ query: string; file: string; rank: number }> = [];
let intruders = 0;
const intruderExamples: string[] = [];
const rowOf = new Map(rows.map((r) => [r.file, r]));
for (const q of queries) {
  if (!rowOf.has(q.file)) continue;
  const hits = await library.searchText(q.query, undefined, 10);
  const names = hits.map((h) => idOf.get(h.id) ?? h.name);
  perQuery.push({ query: q.query, file: q.file, rank: names.indexOf(q.file) + 1 });
  const qWords = new Set(words(q.query));
  for (const name of names) {
    const r = rowOf.get(name);
    if (!r || r.kind !== 'none') continue;
    if (words(r.captions.join(' ')).some((w) => qWords.has(w))) continue; // its caption holds the word: a fair hit
    intruders++;
    if (intruderExamples.length < 5) intruderExamples.push(`${q.query} → ${name} (read: ${JSON.stringify(r.read.slice(0, 40))})`);
  }
}

function retrieval(kind?: string): { n: number; recallAt1: number; recallAt10: number } {
  const qs = perQuery.filter((q) => !kind || rowOf.get(q.file)?.kind === kind);
  return { n: qs.length, recallAt1: qs.length ? qs.filter((q) => q.rank === 1).length / qs.length : 0, recallAt10: qs.length ? qs.filter((q) => q.rank > 0).length / qs.length : 0 };
}

const withText = rows.filter((r) => r.kind !== 'none');
const without = rows.filter((r) => r.kind === 'none');
const overall = readingFigures(withText);
const all = retrieval();
const kindsSeen = [...new Set(rows.map((r) => r.kind))];
log(`OCR eval: ${dir}, engine ${engine} (${reader.modelId}), recognition at ≤${ocr.size} px, first pass at ≤${values['find-size']} px`);
log(`${rows.length} images (${withText.length} with text, ${without.length} without), ${perQuery.length} queries. Captions: random test models (the figures are about OCR only); ranking: lexical side only.`);
log('kind        images  wordRecall  CER    queries  R@1    R@10   ms/image (median)  detect ms  ocr ms');
for (const k of kindsSeen) {
  const sub = rows.filter((r) => r.kind === k);
  const rf = k === 'none' ? undefined : readingFigures(sub);
  const rt = retrieval(k);
  log(
    `${k.padEnd(11)} ${String(sub.length).padStart(6)}  ${rf ? rf.wordRecall.toFixed(3).padStart(10) : '         -'}  ${rf ? rf.cer.toFixed(3) : '  -  '}  ${String(rt.n).padStart(7)}  ${rt.n ? rt.recallAt1.toFixed(3) : '  -  '}  ${rt.n ? rt.recallAt10.toFixed(3) : '  -  '}  ${median(sub.map((r) => r.ms)).toFixed(0).padStart(17)}  ${median(sub.map((r) => r.textDetect)).toFixed(0).padStart(9)}  ${median(sub.map((r) => r.ocr)).toFixed(0).padStart(6)}`,
  );
}
log(`all: wordRecall ${overall.wordRecall.toFixed(3)}, CER ${overall.cer.toFixed(3)}, R@1 ${all.recallAt1.toFixed(3)}, R@10 ${all.recallAt10.toFixed(3)}`);
log(`photos without text in a top 10 for a word their captions lack: ${intruders}${intruderExamples.length ? ` (${intruderExamples.join('; ')})` : ''}`);
const offMs = without.map((r) => r.offMs).filter((x): x is number => x !== undefined);
if (offMs.length) {
  const on = median(without.map((r) => r.ms));
  const off = median(offMs);
  log(`photos without text, side by side: OCR off ${off.toFixed(1)} ms, on ${on.toFixed(1)} ms (median) → ×${(on / off).toFixed(3)}; means ${mean(offMs).toFixed(1)} / ${mean(without.map((r) => r.ms)).toFixed(1)} ms`);
}
if (!values.json && process.env.OCR_EVAL_VERBOSE) for (const r of withText) log(`${r.file}: ${JSON.stringify(r.read)}`);
await library.close();
await reader.dispose();
const msWith = median(withText.map((r) => r.ms));
const msWithout = median(without.map((r) => r.ms));
if (values.json) {
  const byKind = Object.fromEntries(kindsSeen.map((k) => [k, { ...retrieval(k), ...(k === 'none' ? {} : readingFigures(rows.filter((r) => r.kind === k))) }]));
  process.stdout.write(
    `${JSON.stringify({
      recallAt1: all.recallAt1,
      recallAt10: all.recallAt10,
      wordRecall: overall.wordRecall,
      cer: overall.cer,
      msPerImageWithText: msWith,
      msPerImageWithoutText: msWithout,
      ...(offMs.length ? { msPerImageWithoutTextOcrOff: median(offMs) } : {}),
      engine,
      byKind,
      intruders,
      perQuery,
    })}\n`,
  );
}
process.exit(0);
