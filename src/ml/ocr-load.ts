// Loads the OCR reader from our own origin: the three files fetched once and kept in the Cache
// API (so recognition works offline after the first visit, with or without the service worker),
// run on the same onnxruntime-web that transformers.js configured (our /ort/ files, never a CDN).
import { AbortError, GlimpseError } from '../core/errors';
import { createTextReader, type OrtLike, type TextReader } from './ocr';
import { OCR_FILES, OCR_MODEL_ID } from './ocr-files';

const CACHE = 'glimpse-ocr-v1';

async function cachedBytes(url: string, signal?: AbortSignal): Promise<Uint8Array> {
  const cache = typeof caches === 'undefined' ? undefined : await caches.open(CACHE).catch(() => undefined);
  const hit = await cache?.match(url);
  if (hit) return new Uint8Array(await hit.arrayBuffer());
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  await cache?.put(url, new Response(bytes.slice(), { headers: { 'Content-Type': res.headers.get('Content-Type') ?? 'application/octet-stream' } })).catch(() => undefined);
  return bytes;
}

/** `base`: URL of the folder holding the OCR files (ends with '/'). */
export async function loadTextReader(base: string, signal?: AbortSignal): Promise<TextReader> {
  let files;
  try {
    const [detector, recogniser, dictionary] = await Promise.all([
      cachedBytes(base + OCR_FILES.detector, signal),
      cachedBytes(base + OCR_FILES.recogniser, signal),
      cachedBytes(base + OCR_FILES.dictionary, signal),
    ]);
    files = { detector, recogniser, dictionary: new TextDecoder().decode(dictionary) };
  } catch (e) {
    if (signal?.aborted) throw new AbortError();
    const why = e instanceof Error ? e.message : String(e);
    throw new GlimpseError('ModelUnavailableError', `Text recognition (${OCR_MODEL_ID}) could not be loaded (${why.slice(0, 200)}). Go online once so the app can keep its files, or turn "Read text in photos" off in Settings.`);
  }
  const ort = (await import('onnxruntime-web/webgpu')) as unknown as OrtLike;
  return createTextReader(ort, files, { modelId: OCR_MODEL_ID });
}
