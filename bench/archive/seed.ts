// The bench page of bench:archive, served on the app's own origin: writes a generated library
// straight into the app's IndexedDB through the app's storage code (rows, thumbnails and vectors
// with commitImages, both forests with buildForest, the lexical snapshot), without indexing.
import { buildForest } from '../../src/core/forest/index.ts';
import { quantizeVector } from '../../src/core/forest/vector-math.ts';
import { analyzeRecord } from '../../src/core/text/analyze.ts';
import { FULL_OPTIONS, LexicalIndex, toSnapshot, type AnalyticsRecord } from '../../src/core/text/index.ts';
import type { DocData } from '../../src/core/text/lexical-types.ts';
import { commitImages, type ImportedImage } from '../../src/storage/archive-store.ts';
import { openGlimpseDB } from '../../src/storage/db.ts';
import { IdbForestStore } from '../../src/storage/forest-idb-store.ts';
import { writeLexicalSnapshot } from '../../src/storage/lexical-store.ts';
import { randomUnitRows, recordSource, type CaptionedEntry } from '../pipeline/synthetic.ts';

export interface SeedSpec {
  n: number;
  textDim: number;
  visualDim: number;
  thumbPx: number;
  seed: number;
  entries: CaptionedEntry[];
}

export interface SeedReport {
  ms: number;
  thumbBytes: number;
}

/** `k` distinct small WebP thumbnails (coloured blocks), about the bytes of a real one at this size. */
async function thumbnails(k: number, px: number, seed: number): Promise<Blob[]> {
  let a = seed >>> 0;
  const rnd = (): number => ((a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 4294967296);
  const out: Blob[] = [];
  for (let i = 0; i < k; i++) {
    const canvas = new OffscreenCanvas(px, Math.round(px * 0.75));
    const ctx = canvas.getContext('2d')!;
    for (let r = 0; r < 40; r++) {
      ctx.fillStyle = `rgb(${Math.floor(rnd() * 255)},${Math.floor(rnd() * 255)},${Math.floor(rnd() * 255)})`;
      ctx.fillRect(rnd() * px, rnd() * px, rnd() * px * 0.5, rnd() * px * 0.5);
    }
    out.push(await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 }));
  }
  return out;
}

async function seed(spec: SeedSpec): Promise<SeedReport> {
  const t0 = performance.now();
  const db = await openGlimpseDB();
  const models = { captioner: 'Xenova/vit-gpt2-image-captioning', embedder: 'Xenova/all-MiniLM-L6-v2' };
  const records = recordSource(spec.entries, models);
  const thumbs = await thumbnails(64, spec.thumbPx, spec.seed);
  const text = randomUnitRows(spec.n, spec.textDim, spec.seed);
  const visual = randomUnitRows(spec.n, spec.visualDim, spec.seed + 1);
  const rowOf = (all: Float32Array, dim: number, i: number): { codes: Int8Array; scale: number } => {
    const codes = new Int8Array(dim);
    return { codes, scale: quantizeVector(all.subarray(i * dim, (i + 1) * dim), codes, 0) };
  };
  let thumbBytes = 0;
  for (let start = 0; start < spec.n; start += 500) {
    const batch: ImportedImage[] = [];
    for (let i = start; i < Math.min(spec.n, start + 500); i++) {
      const entry = spec.entries[i % spec.entries.length]!;
      const name = `${Math.floor(i / spec.entries.length)}-${entry.file.split('/').pop()}`;
      const record: AnalyticsRecord = records.recordOf(i);
      const t = rowOf(text, spec.textDim, i), v = rowOf(visual, spec.visualDim, i);
      const thumb = thumbs[i % thumbs.length]!;
      thumbBytes += thumb.size;
      batch.push({
        row: { id: i + 1, sha256: i.toString(16).padStart(64, '0'), name, path: `bench/${name}`, size: 100_000 + i, type: 'image/jpeg', width: 500, height: 375, addedAt: 1_700_000_000_000 + i, takenAt: 1_690_000_000_000 + i, record: { ...record, captionsAsked: record.captions.length } },
        thumb,
        vectors: { text: t.codes, textScale: t.scale, visual: v.codes, visualScale: v.scale },
      });
    }
    await commitImages(db, batch, []);
  }
  const ids = Uint32Array.from({ length: spec.n }, (_, i) => i + 1);
  await buildForest(new IdbForestStore(db as never, 'text'), { dim: spec.textDim, ids, vectors: text }, { seed: 1 });
  await buildForest(new IdbForestStore(db as never, 'visual'), { dim: spec.visualDim, ids, vectors: visual }, { seed: 1 });
  // The lexical snapshot, as the app saves it: opening the app then reads it instead of every row.
  const analysed = new Map<AnalyticsRecord, DocData>();
  const index = new LexicalIndex(FULL_OPTIONS);
  for (let i = 0; i < spec.n; i++) {
    const r = records.recordOf(i);
    let data = analysed.get(r);
    if (!data) analysed.set(r, (data = analyzeRecord(r, FULL_OPTIONS.analyzer)));
    index.addAnalysed(i + 1, data);
  }
  await writeLexicalSnapshot(db, toSnapshot(index), spec.n + 1);
  db.close();
  return { ms: performance.now() - t0, thumbBytes };
}

(window as unknown as { __archiveBench: { seed: typeof seed } }).__archiveBench = { seed };
