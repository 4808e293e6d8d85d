// The OCR engines the eval compares, in Node, behind the app's TextReader interface:
//   paddle     the app's reader (src/ml/ocr.ts): PP-OCRv4 det + rec on onnxruntime-web (WASM)
//   tesseract  tesseract.js 7 (LSTM, eng 4.0.0_best_int), which has no cheap detector: every photo
//              is recognised in full, so "find" always says yes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createTextReader, type OcrLine, type TextReader } from '../../src/ml/ocr.ts';
import { OCR_MODEL_ID, OCR_FILES } from '../../src/ml/ocr-files.ts';
import { ocrModelsDir } from '../../scripts/vite/ocr-assets.ts';

const require = createRequire(import.meta.url);

export type EngineName = 'paddle' | 'tesseract';


export async function paddleReader(findSize: number): Promise<TextReader> {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1; // the app's worker without cross-origin isolation; ratios stay comparable
  const dir = ocrModelsDir();
  return createTextReader(
    ort as never,
    {
      detector: readFileSync(path.join(dir, OCR_FILES.detector)),
      recogniser: readFileSync(path.join(dir, OCR_FILES.recogniser)),
      dictionary: readFileSync(path.join(dir, OCR_FILES.dictionary), 'utf8'),
    },
    { modelId: OCR_MODEL_ID, findSize },
  );
}

export async function tesseractReader(): Promise<TextReader> {
  const { createWorker, OEM } = await import('tesseract.js');
  const langDir = path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
  const worker = await createWorker('eng', OEM.LSTM_ONLY, { langPath: langDir, cachePath: path.join(tmpdir(), 'glimpse-tesseract-cache'), gzip: true });
  return {
    modelId: 'tesseract.js/eng-4.0.0_best_int',
    find: () => Promise.resolve(1),
    async read(image) {
      const png = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), { raw: { width: image.width, height: image.height, channels: 4 } })
        .png()
        .toBuffer();
      const { data } = await worker.recognize(png, {}, { blocks: true });
      const lines: OcrLine[] = [];
      for (const block of data.blocks ?? [])
        for (const para of block.paragraphs)
          for (const line of para.lines) {
            const text = line.text.trim();
            if (text && line.confidence >= 60) lines.push({ text, confidence: line.confidence / 100 });
          }
      const chars = lines.reduce((n, l) => n + l.text.length, 0);
      const confidence = chars ? lines.reduce((s, l) => s + l.confidence * l.text.length, 0) / chars : 0;
      return { text: lines.map((l) => l.text).join('\n'), confidence, lines };
    },
    async dispose() {
      await worker.terminate();
    },
  };
}
