import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { GlimpseError } from '../../src/core/errors';
import { checkIntake, DEFAULT_LIMITS, ImageRejectedError, sniffImage, type SniffResult } from '../../src/core/image';
import { crc32 } from '../../src/core/crc32';
import { makeBadFiles, IMAGES_DIR, type BadFile } from '../fixtures/bad-files';
import { concat, noise } from '../fixtures/craft';

const enc = new TextEncoder();
const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);
const source = (): Sharp => sharp(`${IMAGES_DIR}/1082379191_ec1e53f996.jpg`).resize(96, 64, { fit: 'fill' });
const sniff = (b: Uint8Array, name = 'x'): SniffResult => sniffImage(b, name);

describe('the bad-file corpus, before decoding', () => {
  let files: BadFile[];
  beforeAll(async () => {
    files = await makeBadFiles();
  });

  it('has at least 20 kinds, with unique names', () => {
    expect(new Set(files.map((f) => f.kind)).size).toBeGreaterThanOrEqual(20);
    expect(new Set(files.map((f) => f.name)).size).toBe(files.length);
  });

  it('rejects what intake can tell, names the file, and passes the rest on to the decoder', () => {
    for (const f of files) {
      const check = checkIntake(sniffImage(f.bytes, f.name), f.bytes.length, f.name);
      const label = `${f.name} (${f.kind})`;
      if (f.expect === 'rejected' && f.stage === 'intake') {
        expect.soft(check.ok ? 'ok' : check.rejection.code, label).toBe(f.code);
        if (!check.ok) expect.soft(check.rejection.message, label).toContain(f.name);
      } else if (f.expect === 'rejected' && !f.either) {
        // Decided by the browser's decoder: intake lets it through and knows what to say if it fails.
        expect.soft(check.ok ? check.ifDecodeFails.code : check.rejection.code, label).toBe(f.code);
        expect.soft(check.ok, label).toBe(true);
      } else {
        expect.soft(check.ok, label).toBe(true);
      }
    }
  });

  it('reads the same stored size as sharp (or as built, for BMP, which sharp cannot open)', async () => {
    for (const f of files.filter((x) => x.expect === 'indexed' && !x.either)) {
      const meta = await sharp(f.bytes).metadata().catch(() => undefined);
      const s = sniff(f.bytes, f.name);
      expect.soft([s.width, s.height], f.name).toEqual(meta ? [meta.width, meta.height] : f.size);
    }
  });
});

describe('sniffImage: formats and header facts', () => {
  const cases: Array<[string, () => Sharp, Partial<SniffResult>]> = [
    ['baseline JPEG', () => source().jpeg(), { kind: 'jpeg', mime: 'image/jpeg', bitDepth: 8, cmyk: false, truncated: false }],
    ['progressive JPEG', () => source().jpeg({ progressive: true }), { kind: 'jpeg', truncated: false }],
    ['CMYK JPEG', () => source().toColourspace('cmyk').jpeg(), { kind: 'jpeg', cmyk: true }],
    ['RGB PNG', () => source().png(), { kind: 'png', bitDepth: 8, pngColorType: 2, hasAlpha: false }],
    ['palette PNG', () => source().png({ palette: true }), { kind: 'png', pngColorType: 3 }],
    ['16-bit PNG', () => source().toColourspace('rgb16').png(), { kind: 'png', bitDepth: 16 }],
    ['grey + alpha PNG', () => source().toColourspace('b-w').ensureAlpha(0.5).png(), { kind: 'png', pngColorType: 4, hasAlpha: true }],
    ['lossy WebP', () => source().webp(), { kind: 'webp', mime: 'image/webp' }],
    ['lossless WebP', () => source().webp({ lossless: true }), { kind: 'webp' }],
    ['WebP with alpha', () => source().ensureAlpha(0.5).webp(), { kind: 'webp', hasAlpha: true }],
    ['GIF', () => source().gif(), { kind: 'gif', animated: false, frameCount: 1 }],
    ['AVIF', () => source().avif({ effort: 0 }), { kind: 'avif', mime: 'image/avif', animated: false }],
    ['TIFF', () => source().tiff(), { kind: 'tiff', mime: 'image/tiff', bitDepth: 8 }],
  ];
  for (const [label, make, expected] of cases) {
    it(`${label}: kind and declared size without decoding`, async () => {
      const bytes = u8(await make().toBuffer());
      const meta = await sharp(bytes).metadata();
      expect(sniff(bytes)).toMatchObject({ ...expected, width: meta.width, height: meta.height });
    });
  }

  it('reads EXIF orientation from JPEG APP1, PNG eXIf, WebP EXIF and TIFF IFD0', async () => {
    for (const fmt of ['jpeg', 'png', 'webp', 'tiff'] as const) {
      for (const orientation of [1, 3, 6, 8]) {
        const bytes = u8(await source().withMetadata({ orientation })[fmt]().toBuffer());
        expect(sniff(bytes).orientation, `${fmt} ${orientation}`).toBe(orientation);
      }
    }
  });

  it('counts frames of animated GIF and WebP', async () => {
    // Distinct frames: encoders merge identical ones.
    const frames = await Promise.all([0, 90, 180, 270].map((hue) => source().modulate({ hue }).png().toBuffer()));
    for (const fmt of ['gif', 'webp'] as const) {
      const bytes = u8(await sharp(frames, { join: { animated: true } })[fmt]().toBuffer());
      expect(sniff(bytes), fmt).toMatchObject({ animated: true, frameCount: 4, width: 96, height: 64 });
    }
  });

  it('marks an APNG (acTL chunk) as animated', async () => {
    const png = u8(await source().png().toBuffer());
    const body = concat(enc.encode('acTL'), new Uint8Array([0, 0, 0, 5, 0, 0, 0, 0]));
    const crc = new Uint8Array(4);
    new DataView(crc.buffer).setUint32(0, crc32(body));
    const apng = concat(png.subarray(0, 33), new Uint8Array([0, 0, 0, 8]), body, crc, png.subarray(33));
    expect(sniff(apng)).toMatchObject({ kind: 'png', animated: true, frameCount: 5 });
  });

  it('tells SVG (any prologue or encoding) and text apart from images', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"/>';
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from(`<?xml version="1.0" encoding="UTF-16"?>${svg}`).flatMap((ch) => [ch.charCodeAt(0), 0])]);
    expect(sniff(enc.encode(svg)).kind).toBe('svg');
    expect(sniff(enc.encode(`\uFEFF  <?xml version="1.0"?>\n<!-- c --><!DOCTYPE svg><svg width="1">`)).kind).toBe('svg');
    expect(sniff(utf16).kind).toBe('svg');
    expect(sniff(enc.encode('<html><body>hello</body></html>')).kind).toBe('text');
    expect(sniff(enc.encode('BMW service invoice, 2024')).kind).toBe('text');
    expect(sniff(noise(100)).kind).toBe('unknown');
    expect(sniff(new Uint8Array([0xff, 0x0a, 1, 2])).kind).toBe('jxl');
  });
});

describe('checkIntake', () => {
  const jpegLike = (width: number, height: number): SniffResult => ({ kind: 'jpeg', mime: 'image/jpeg', width, height });

  it('enforces the pixel and byte limits before decoding', () => {
    expect(checkIntake(jpegLike(10_000, 10_000), 1000, 'ok.jpg').ok).toBe(true); // exactly 100 MP
    const big = checkIntake(jpegLike(10_001, 10_000), 1000, 'big.jpg');
    expect(big).toMatchObject({ ok: false, rejection: { code: 'too-large-pixels' } });
    expect(!big.ok && big.rejection.message).toMatch(/big\.jpg.*10001 × 10000.*100 megapixels.*10000 × 9999/);
    const heavy = checkIntake(jpegLike(10, 10), DEFAULT_LIMITS.maxBytes + 1, 'heavy.jpg');
    expect(heavy).toMatchObject({ ok: false, rejection: { code: 'too-large-bytes' } });
    expect(checkIntake(jpegLike(100, 100), 1000, 'x.jpg', { maxPixels: 9_999, maxBytes: 1e9 }).ok).toBe(false);
  });

  it('says what to do for HEIC: try to decode, explain on failure', () => {
    const check = checkIntake({ kind: 'heic', mime: 'image/heic', width: 4032, height: 3024 }, 5000, 'IMG_1.heic');
    expect(check.ok).toBe(true);
    expect(check.ok && check.ifDecodeFails).toEqual({
      code: 'unsupported-format',
      message: "\u2068IMG_1.heic\u2069: HEIC photos can't be decoded by this browser. Convert it to JPEG (on iPhone: Settings → Camera → Formats → Most Compatible) and add it again.",
    });
  });

  it('isolates right-to-left names and neutralises control characters in messages', () => {
    const check = checkIntake({ kind: 'text', mime: 'text/plain' }, 10, 'evil\u202Egpj.exe\nline');
    expect(!check.ok && check.rejection.message).toContain('\u2068evil\uFFFDgpj.exe\uFFFDline\u2069');
  });

  it('ImageRejectedError is a GlimpseError told apart by name, carrying a code', () => {
    const e = ImageRejectedError.from({ code: 'corrupt', message: 'm' });
    expect(e).toBeInstanceOf(GlimpseError);
    expect(e).toMatchObject({ name: 'ImageRejectedError', code: 'corrupt', message: 'm' });
  });
});

describe('sniffImage on hostile input', () => {
  it('never throws and stays fast on 3000 mutated and truncated files', async () => {
    const seeds = await Promise.all([source().jpeg(), source().png(), source().gif(), source().webp(), source().avif({ effort: 0 }), source().tiff()].map(async (s) => u8(await s.toBuffer())));
    const rand = noise(3000 * 8, 42);
    const started = performance.now();
    for (let i = 0; i < 3000; i++) {
      const seed = seeds[i % seeds.length] as Uint8Array;
      const r = (k: number): number => rand[i * 8 + k] ?? 0;
      const b = seed.slice(0, Math.max(1, Math.floor((seed.length * (r(0) + 1)) / 256)));
      for (let k = 1; k < 8; k++) b[Math.floor((r(k) / 256) * Math.min(b.length, 400))] = r(8 - k);
      const s = sniffImage(b, 'fuzz');
      checkIntake(s, b.length, 'fuzz');
    }
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('treats impossible chunk and segment lengths as truncation, not as a crash', () => {
    const png = concat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), enc.encode('IHDR'), new Uint8Array(17), new Uint8Array([0xff, 0xff, 0xff, 0xff]), enc.encode('IDAT'));
    expect(sniff(png).truncated).toBe(true);
    expect(sniff(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0xff, 0xff, 1, 2])).truncated).toBe(true);
    expect(sniff(concat(enc.encode('GIF89a'), new Uint8Array([10, 0, 10, 0, 0xf7, 0, 0])))).toMatchObject({ kind: 'gif', truncated: true });
  });
});
