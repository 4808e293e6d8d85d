// Builds an OCR eval folder (what `npm run eval:ocr` reads) with headless Chromium:
//   images/     shot-*.png  text pages at phone (390×844 @2x) and desktop (1280×800) sizes, light and dark
//               sign-*.jpg  photos from ../shared/data/captioned with words drawn on them (several
//                           fonts, sizes, colours, angles, on a plate or bare)
//               plain-*.jpg photos with no text added (must match no query)
//   queries.json [{query, file}]   texts.json {file: visible text}   kinds.json {file: 'screenshot'|'photo'|'none'}
// Usage: npm run eval:ocr:set -- --out DIR [--seed 1] [--shots 30] [--signs 30] [--plain 30]
// The photos are Flickr8k's: keep the folder outside the repository (never commit it).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { parseArgs } from '../lib/args.ts';
import { textPage } from './pages.ts';
import { FILLER, pick, QUERY_WORDS, rng, shuffled } from './words.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHARED = process.env.GLIMPSE_SHARED_DATA ?? path.resolve(import.meta.dirname, '../../../shared/data');
const PAGE_FONTS = ['"Liberation Sans"', '"DejaVu Sans"', '"Liberation Serif"', '"Nimbus Sans"', '"Noto Sans Mono"'];
const SIGN_FONTS = ['bold "Liberation Sans"', '"DejaVu Serif"', 'bold "URW Gothic"', '"Nimbus Roman"', 'bold "Liberation Mono"', 'italic "C059"', 'bold "Nimbus Sans Narrow"'];
const PHOTO_SIZE = 672;

interface SignItem {
  text: string;
  font: string;
  px: number;
  color: string;
  plate?: string;
  stroke?: string;
  angle: number;
  x: number;
  y: number;
}

/** Draws the photo upscaled to PHOTO_SIZE (Flickr8k copies here are 224 px), then the sign items; returns JPEG bytes. */
async function drawPhoto(page: Page, photo: Buffer, items: SignItem[]): Promise<Buffer> {
  const dataUrl = `data:image/jpeg;base64,${photo.toString('base64')}`;
  const out = await page.evaluate(
    async ({ dataUrl, items, size }) => {
      const img = new Image();
      img.src = dataUrl;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = size;
      const ctx = canvas.getContext('2d')!;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(img, 0, 0, size, size);
      for (const it of items) {
        ctx.save();
        ctx.translate(it.x, it.y);
        ctx.rotate((it.angle * Math.PI) / 180);
        ctx.font = `${it.font.startsWith('bold') || it.font.startsWith('italic') ? it.font.replace(/^(\w+) /, '$1 ' + it.px + 'px ') : `${it.px}px ${it.font}`}`;
        ctx.textBaseline = 'middle';
        ctx.textAlign = 'center';
        const w = ctx.measureText(it.text).width;
        if (it.plate) {
          ctx.fillStyle = it.plate;
          ctx.fillRect(-w / 2 - it.px * 0.4, -it.px * 0.75, w + it.px * 0.8, it.px * 1.5);
        }
        if (it.stroke) {
          ctx.lineWidth = Math.max(2, it.px / 12);
          ctx.strokeStyle = it.stroke;
          ctx.strokeText(it.text, 0, 0);
        }
        ctx.fillStyle = it.color;
        ctx.fillText(it.text, 0, 0);
        ctx.restore();
      }
      return canvas.toDataURL('image/jpeg', 0.9);
    },
    { dataUrl, items, size: PHOTO_SIZE },
  );
  return Buffer.from(out.slice(out.indexOf(',') + 1), 'base64');
}

const COLOURS: Array<Pick<SignItem, 'color' | 'plate' | 'stroke'>> = [
  { color: '#ffffff', plate: '#1a5e20' },
  { color: '#111111', plate: '#f5f0e1' },
  { color: '#ffffff', plate: '#b71c1c' },
  { color: '#1a237e', plate: '#fff59d' },
  { color: '#ffffff', stroke: '#000000' },
  { color: '#ffeb3b', stroke: '#222222' },
  { color: '#111111' },
  { color: '#e53935' },
];

function signItems(r: () => number, words: string[]): SignItem[] {
  return words.map((w, i) => {
    const text = r() < 0.5 ? w.toUpperCase() : r() < 0.5 ? `${w.charAt(0).toUpperCase()}${w.slice(1)}` : `${pick(r, FILLER)} ${w}`.toUpperCase();
    const px = Math.round(30 + r() * 50);
    return {
      text,
      font: pick(r, SIGN_FONTS),
      px,
      ...pick(r, COLOURS),
      angle: Math.round((r() - 0.5) * 40),
      x: PHOTO_SIZE / 2 + (r() - 0.5) * PHOTO_SIZE * 0.2,
      y: PHOTO_SIZE * (words.length === 1 ? 0.25 + r() * 0.5 : 0.25 + i * 0.45 + (r() - 0.5) * 0.1),
    };
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const out = args.get('out');
  if (!out) throw new Error('usage: npm run eval:ocr:set -- --out DIR [--seed 1] [--shots 30] [--signs 30] [--plain 30]');
  const seed = Number(args.get('seed') ?? 1);
  const counts = { shots: Number(args.get('shots') ?? 30), signs: Number(args.get('signs') ?? 30), plain: Number(args.get('plain') ?? 30) };
  const r = rng(seed);
  const words = shuffled(r, QUERY_WORDS);
  const need = counts.shots * 3 + counts.signs * 2;
  if (need > words.length) throw new Error(`at most ${words.length} query words; asked for ${need}`);
  const captioned = JSON.parse(readFileSync(path.join(SHARED, 'captioned/captions.json'), 'utf8')) as Array<{ file: string }>;
  const photos = shuffled(r, captioned.map((c) => c.file)).slice(0, counts.signs + counts.plain);
  mkdirSync(path.join(out, 'images'), { recursive: true });
  const queries: Array<{ query: string; file: string }> = [];
  const texts: Record<string, string> = {};
  const kinds: Record<string, string> = {};
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 })).newPage();
    const desktop = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 })).newPage();
    for (let i = 0; i < counts.shots; i++) {
      const q = words.splice(0, 3);
      const style = { phone: i % 2 === 0, dark: i % 4 >= 2, font: pick(r, PAGE_FONTS) };
      const p = textPage(r, q, style);
      const page = style.phone ? phone : desktop;
      await page.setContent(p.html);
      const file = `shot-${String(i).padStart(3, '0')}-${style.phone ? 'phone' : 'desktop'}-${style.dark ? 'dark' : 'light'}.png`;
      writeFileSync(path.join(out, 'images', file), await page.screenshot({ type: 'png' }));
      texts[file] = p.text;
      kinds[file] = 'screenshot';
      for (const w of q) queries.push({ query: w, file });
    }
    const canvasPage = await (await browser.newContext()).newPage();
    for (let i = 0; i < photos.length; i++) {
      const photo = readFileSync(path.join(SHARED, 'captioned', photos[i] as string));
      const sign = i < counts.signs;
      const q = sign ? words.splice(0, r() < 0.5 ? 1 : 2) : [];
      const items = signItems(r, q);
      const file = `${sign ? 'sign' : 'plain'}-${String(i).padStart(3, '0')}.jpg`;
      writeFileSync(path.join(out, 'images', file), await drawPhoto(canvasPage, photo, items));
      kinds[file] = sign ? 'photo' : 'none';
      texts[file] = items.map((it) => it.text).join('\n');
      for (const w of q) queries.push({ query: w, file });
    }
  } finally {
    await browser.close();
  }
  writeFileSync(path.join(out, 'queries.json'), JSON.stringify(queries, null, 1));
  writeFileSync(path.join(out, 'texts.json'), JSON.stringify(texts, null, 1));
  writeFileSync(path.join(out, 'kinds.json'), JSON.stringify(kinds, null, 1));
  console.log(`${out}: ${counts.shots} screenshots, ${counts.signs} photos with text, ${counts.plain} without; ${queries.length} queries (seed ${seed})`);
}

await main();
