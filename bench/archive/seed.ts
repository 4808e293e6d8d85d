// The bench page of bench:archive, served on the app's own origin: writes a generated library
// straight into the app's IndexedDB through the app's storage code (rows, thumbnails and vectors
// with commitImages, both forests with buildForest, the lexical snapshot), without indexing.
// Thumbnails are made from the shared photos as the app makes them; vectors are random.
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

/** Thumbnails as the app makes them (WebP, quality 0.8, longest side `px`) from the shared photos, served by the bench. */
async function thumbnails(urls: readonly string[], px: number): Promise<Blob[]> {
  return Promise.all(
    urls.map(async (url) => {
      const bitmap = await createImageBitmap(await (await fetch(url)).blob());
      const scale = px / Math.max(bitmap.width, bitmap.height);
      const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return canvas.convertToBlob({ type: 'image/webp', quality: 0.8 });
    }),
  );
}

async function seed(spec: SeedSpec): Promise<SeedReport> {
  const t0 = performance.now();
  const db = await openGlimpseDB();
  const models = { captioner: 'Xenova/vit-gpt2-image-captioning', embedder: 'Xenova/all-MiniLM-L6-v2' };
  const records = recordSource(spec.entries, models);
  // The shared photos' thumbnails, cycled (each photo its own row, hash and vectors).
  const thumbs = await thumbnails(spec.entries.map((e) => `img/${e.file.split('/').pop()}`), spec.thumbPx);
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
