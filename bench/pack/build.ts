// The bench pack: n generated photos written by the pack command's own writer (writePack), so the
// format measured is the one `npm run pack` writes. Records cycle the shared captions
// (recordSource); text vectors are the seeded synthetic caption-embedding mixture
// (bench/lib/synthetic.ts), whose held-out draws are the recall queries; visual vectors are
// random; thumbnails are small generated WebPs (sharp), `thumbs` distinct ones cycled. Built
// once per parameters and writer source under /tmp, so a rerun only measures.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { writePack } from '../../scripts/pack/write-pack.ts';
import type { WorkItem } from '../../scripts/pack/work.ts';
import { MANIFEST_FILE, type PackManifest } from '../../src/core/pack/format.ts';
import { captionedEntries } from '../../test/browser/helpers/library-page.ts';
import { randomUnitRows, recordSource } from '../pipeline/synthetic.ts';
import { synthetic } from '../lib/synthetic.ts';

export interface PackSpec {
  n: number;
  queries: number;
  textDim: number;
  visualDim: number;
  thumbs: number;
  seed: number;
}

const root = path.resolve(import.meta.dirname, '../..');
/** Sources whose change changes the pack written: part of the cache key. */
const WRITER = ['scripts/pack/write-pack.ts', 'src/core/pack/write.ts', 'src/core/pack/format.ts', 'src/core/pack/slots.ts', 'src/core/text/lexical-split.ts', 'bench/pack/build.ts'];

export function packDir(spec: PackSpec): string {
  const { queries: _q, ...key } = spec; // queries are drawn after the base: not part of the pack
  const h = createHash('sha256').update(JSON.stringify(key));
  for (const f of WRITER) if (existsSync(path.join(root, f))) h.update(readFileSync(path.join(root, f)));
  return path.join(tmpdir(), `glimpse-bench-pack-${spec.n}-${h.digest('hex').slice(0, 12)}`);
}

/** The text vectors and held-out queries of `spec` (regenerated: cheap next to the build, and seeded). */
export function vectorsOf(spec: PackSpec): { base: Float32Array; query: Float32Array } {
  return synthetic({ n: spec.n, queries: spec.queries, dim: spec.textDim, seed: spec.seed });
}

async function thumbnails(count: number, seed: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const hue = (i * 137 + seed) % 360;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="72"><rect width="96" height="72" fill="hsl(${hue},60%,50%)"/><circle cx="${20 + (i % 56)}" cy="${16 + (i % 40)}" r="${8 + (i % 12)}" fill="hsl(${(hue + 180) % 360},70%,60%)"/></svg>`;
    out.push(new Uint8Array(await sharp(Buffer.from(svg)).webp({ quality: 80 }).toBuffer()));
  }
  return out;
}

/** The pack folder for `spec`, built when not already there. */
export async function ensurePack(spec: PackSpec, log: (s: string) => void): Promise<{ dir: string; manifest: PackManifest; base: Float32Array; query: Float32Array; buildSeconds?: number }> {
  const dir = packDir(spec);
  const { base, query } = vectorsOf(spec);
  if (existsSync(path.join(dir, MANIFEST_FILE))) return { dir, manifest: JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as PackManifest, base, query };
  const t0 = performance.now();
  log(`building a ${spec.n}-photo pack in ${dir} …`);
  const models = { captioner: 'Xenova/vit-gpt2-image-captioning', embedder: 'Xenova/all-MiniLM-L6-v2' };
  const records = recordSource(captionedEntries(), models);
  const visual = randomUnitRows(spec.n, spec.visualDim, spec.seed + 1);
  const thumbs = await thumbnails(spec.thumbs, spec.seed);
  const items: WorkItem[] = Array.from({ length: spec.n }, (_, i) => {
    const name = `${String(i).padStart(7, '0')}.jpg`;
    return {
      sha256: createHash('sha256').update(`bench ${spec.seed} ${i}`).digest('hex'),
      name, path: `bench/${name}`, size: 100_000 + i, type: 'image/jpeg', width: 640, height: 480, takenAt: 1_690_000_000_000 + i * 60_000,
      record: records.recordOf(i),
      text: base.subarray(i * spec.textDim, (i + 1) * spec.textDim),
      visual: visual.subarray(i * spec.visualDim, (i + 1) * spec.visualDim),
      thumb: thumbs[i % thumbs.length]!,
      models,
    };
  });
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const manifest = await writePack(tmp, items);
  renameSync(tmp, dir);
  return { dir, manifest, base, query, buildSeconds: (performance.now() - t0) / 1000 };
}
