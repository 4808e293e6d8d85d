// Makes a near-duplicate evaluation set from the shared captioned photos: some photos get one to
// three edited copies (crop ≤ 15 %, resize, JPEG quality 30–90, brightness and contrast ±15 %,
// rotation ≤ 5° cropped square like a phone's "straighten", a small text overlay), the rest stay
// as they are and are distinct. Writes <out>/images/ and <out>/groups.json ([[file, …], …]: each
// list one scene). Output goes outside the repository (or bench/out/, git-ignored): never commit photos.
// Usage: npm run eval:similar:make -- --out ../similar-a [--seed 1] [--mix a|b] [--edited 150] [--n 500]
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { parseArgs } from '../lib/args.ts';
import { rng32 } from '../lib/synthetic.ts';
import { captionedEntries, SHARED_IMAGES } from '../../test/browser/helpers/library-page.ts';

type Edit = 'crop' | 'resize' | 'tone' | 'rotate' | 'text';

/** Two mixes, so a threshold is never tuned to one: which edits, how many per copy, how strong. */
const MIXES: Record<string, { edits: Edit[]; perCopy: [number, number]; copies: [number, number]; quality: [number, number] }> = {
  a: { edits: ['crop', 'resize', 'tone', 'rotate', 'text'], perCopy: [1, 2], copies: [1, 3], quality: [30, 90] },
  // Heavier: more edits per copy, crops and rotations more often, lower JPEG quality on average.
  b: { edits: ['crop', 'crop', 'rotate', 'rotate', 'resize', 'tone', 'text'], perCopy: [2, 3], copies: [1, 2], quality: [30, 70] },
};

const WORDS = ['Holiday', '2019', 'Best day', 'Mom', '❤', 'Summer', 'IMG', 'Beach', 'Party!', 'Copyright'];

export async function editPhoto(bytes: Buffer, edits: readonly Edit[], r: () => number, quality: number): Promise<Buffer> {
  let img = sharp(bytes);
  for (const e of edits) {
    const { data, info } = await img.toBuffer({ resolveWithObject: true });
    const w = info.width, h = info.height;
    img = sharp(data);
    if (e === 'crop') {
      // Up to 15 % of each side's length goes, split at random between its two ends.
      const cw = Math.round(w * (1 - 0.15 * r())), ch = Math.round(h * (1 - 0.15 * r()));
      img = img.extract({ left: Math.floor((w - cw) * r()), top: Math.floor((h - ch) * r()), width: cw, height: ch });
    } else if (e === 'resize') {
      img = img.resize(Math.max(32, Math.round(w * (0.4 + 1.1 * r()))));
    } else if (e === 'tone') {
      const brightness = 1 + 0.3 * (r() - 0.5), contrast = 1 + 0.3 * (r() - 0.5);
      img = img.modulate({ brightness }).linear(contrast, 128 * (1 - contrast));
    } else if (e === 'rotate') {
      const deg = 5 * (2 * r() - 1), rad = (Math.abs(deg) * Math.PI) / 180;
      const rotated = await img.rotate(deg).toBuffer({ resolveWithObject: true });
      // The largest upright box inside the turned photo (no empty corners), as editors crop it.
      const s = 1 / (Math.cos(rad) + Math.sin(rad));
      const iw = Math.floor(w * s), ih = Math.floor(h * s);
      img = sharp(rotated.data).extract({ left: Math.floor((rotated.info.width - iw) / 2), top: Math.floor((rotated.info.height - ih) / 2), width: iw, height: ih });
    } else {
      const size = Math.round(Math.max(10, Math.min(w, h) * (0.06 + 0.05 * r())));
      const text = WORDS[Math.floor(r() * WORDS.length)]!;
      const x = r() < 0.5 ? size / 2 : w - size / 2, anchor = x < w / 2 ? 'start' : 'end';
      const y = r() < 0.5 ? size * 1.2 : h - size / 2;
      const svg = `<svg width="${w}" height="${h}"><text x="${x}" y="${y}" font-size="${size}" font-family="DejaVu Sans" text-anchor="${anchor}" fill="white" stroke="black" stroke-width="${size / 12}">${text}</text></svg>`;
      img = img.composite([{ input: Buffer.from(svg) }]);
    }
  }
  return img.jpeg({ quality }).toBuffer();
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const out = args.get('out');
  if (!out) throw new Error('--out <dir> is required (outside the repository, or under bench/out/)');
  const seed = Number(args.get('seed') ?? 1);
  const mix = MIXES[args.get('mix') ?? 'a'];
  if (!mix) throw new Error(`--mix must be one of ${Object.keys(MIXES).join(', ')}`);
  const n = Number(args.get('n') ?? 500);
  const edited = Number(args.get('edited') ?? 150);
  const r = rng32(seed);
  const between = ([lo, hi]: [number, number]): number => lo + Math.floor(r() * (hi - lo + 1));
  const files = captionedEntries().map((e) => e.file).slice(0, n);
  // Seeded shuffle: which photos get copies.
  for (let i = files.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [files[i], files[j]] = [files[j]!, files[i]!];
  }
  const dir = path.resolve(out, 'images');
  mkdirSync(dir, { recursive: true });
  const groups: string[][] = [];
  const tally: Record<string, number> = {};
  for (const [i, file] of files.entries()) {
    const name = path.basename(file);
    copyFileSync(path.join(SHARED_IMAGES, '..', file), path.join(dir, name));
    if (i >= edited) continue;
    const group = [name];
    const bytes = readFileSync(path.join(SHARED_IMAGES, '..', file));
    for (let c = between(mix.copies); c > 0; c--) {
      const chosen: Edit[] = [];
      for (let k = between(mix.perCopy); k > 0; k--) {
        const pick = mix.edits[Math.floor(r() * mix.edits.length)]!;
        if (!chosen.includes(pick)) chosen.push(pick);
      }
      const copyName = `${path.parse(name).name}-copy${group.length}-${chosen.join('+')}.jpg`;
      writeFileSync(path.join(dir, copyName), await editPhoto(bytes, chosen, r, between(mix.quality)));
      for (const e of chosen) tally[e] = (tally[e] ?? 0) + 1;
      group.push(copyName);
    }
    groups.push(group);
  }
  writeFileSync(path.resolve(out, 'groups.json'), JSON.stringify(groups, null, 1));
  const copies = groups.reduce((s, g) => s + g.length - 1, 0);
  console.log(`${path.resolve(out)}: ${files.length + copies} images (${files.length} photos, ${copies} edited copies of ${groups.length}), edits used: ${JSON.stringify(tally)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
