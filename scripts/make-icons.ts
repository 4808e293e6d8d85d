// Renders the PWA icons from public/favicon.svg. Run once when the logo changes: tsx scripts/make-icons.ts
import { readFileSync } from 'node:fs';
import sharp from 'sharp';

const svg = readFileSync('public/favicon.svg');
await sharp(svg, { density: 600 }).resize(192, 192).png().toFile('public/icons/icon-192.png');
await sharp(svg, { density: 600 }).resize(512, 512).png().toFile('public/icons/icon-512.png');
// Maskable: the logo inside the 80% safe zone on a full-bleed background.
const inner = await sharp(svg, { density: 600 }).resize(400, 400).png().toBuffer();
await sharp({ create: { width: 512, height: 512, channels: 4, background: '#1f6feb' } })
  .composite([{ input: inner, gravity: 'center' }])
  .png()
  .toFile('public/icons/maskable-512.png');
