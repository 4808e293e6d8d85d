// Model files from a folder the person picked (air-gapped use), served to transformers.js through
// its custom-cache hook. Both layouts work: a folder holding `<org>/<name>/...` or the model folder.
// The hook replaces transformers.js's Cache Storage cache, so files the folder lacks are looked up
// in (and downloads stored to) that same cache, as without a folder.
import { env } from '@huggingface/transformers';

/** Strips the hub's `resolve/<revision>/` so hub and local URLs look alike. */
function normalise(url: string): string {
  return decodeURIComponent(url.replace(/\/resolve\/[^/]+\//, '/'));
}

export class FolderCache {
  private readonly files = new Map<string, Blob>();

  /** `relativePath` as in File.webkitRelativePath, e.g. "models/Xenova/all-MiniLM-L6-v2/onnx/model.onnx". */
  add(relativePath: string, file: Blob): void {
    this.files.set(relativePath.replace(/\\/g, '/'), file);
  }

  get size(): number {
    return this.files.size;
  }

  private lookup(url: string): Blob | undefined {
    const b = normalise(url).split('/').reverse();
    // The shared tail must reach the model's folder name: "<name>/<file>", or "<name>/onnx/<file>"
    // for weights (else another model's onnx/encoder_model_quantized.onnx would be taken).
    const need = b[1] === 'onnx' ? 3 : 2;
    let best: Blob | undefined;
    let bestLen = 0;
    for (const [path, file] of this.files) {
      // Longest shared tail of path segments wins.
      const a = path.split('/').reverse();
      let n = 0;
      while (n < a.length && n < b.length && a[n] === b[n]) n++;
      if (n >= need && n > bestLen) {
        best = file;
        bestLen = n;
      }
    }
    return best;
  }

  async match(request: string): Promise<Response | undefined> {
    const file = this.lookup(request);
    if (file) return new Response(file, { headers: { 'content-length': String(file.size) } });
    return (await browserCache())?.match(request);
  }

  /** Picked folders are read-only; downloads go to transformers.js's own cache, as without a folder. */
  async put(request: string, response: Response): Promise<void> {
    await (await browserCache())?.put(request, response);
  }
}

async function browserCache(): Promise<Cache | undefined> {
  if (typeof caches === 'undefined') return undefined;
  return caches.open(env.cacheKey).catch(() => undefined);
}
