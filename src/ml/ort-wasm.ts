// Where onnxruntime-web's wasm (14 MB; 27 MB with WebGPU) is compiled from. transformers.js by
// default reads it from its Cache Storage copy and hands onnxruntime the bytes: compiled from bytes,
// the browser keeps no compiled code, so every visit compiled it again, lazily, on the worker's own
// thread while the first session was created and the first query ran. Fetched by onnxruntime from
// its URL instead, it compiles while streaming and Chromium keeps the compiled code beside the
// HTTP-cache entry. Measured in Chromium (2 threads, the full-size embedder, 4 restarts each):
// session creation 605–765 ms against 1,003–1,036 ms, the first query 22–25 against 278–313 ms.
// The Cache Storage copy is still made: offline the URL fails and transformers.js serves that copy.

export interface WasmFiles {
  /** The emscripten factory script and the wasm binary, as absolute URLs on our origin. */
  mjs: string;
  wasm: string;
}

export interface WasmSourceDeps {
  fetch: typeof fetch;
  /** transformers.js's own cache (env.cacheKey), where it looks first; undefined where storage is blocked. */
  cache: Cache | undefined;
}

/** Whether our origin serves the file now (a static host may answer index.html for anything). */
async function reachable(url: string, f: typeof fetch): Promise<boolean> {
  try {
    const res = await f(url, { method: 'HEAD', cache: 'no-store' });
    return res.ok && !(res.headers.get('content-type') ?? '').includes('text/html');
  } catch {
    return false;
  }
}

/** Puts each file into the cache once, as transformers.js would have (what offline visits use). */
async function keepCopies(files: WasmFiles, deps: WasmSourceDeps): Promise<void> {
  const cache = deps.cache;
  if (!cache) return;
  await Promise.all(
    [files.mjs, files.wasm].map(async (url) => {
      try {
        if (await cache.match(url)) return;
        const res = await deps.fetch(url);
        if (res.ok) await cache.put(url, res);
      } catch {
        // Offline with no copy yet, or storage full: the load reports what is missing.
      }
    }),
  );
}

/**
 * True when onnxruntime should fetch the wasm from its URL (streamed, its compiled code cached by the
 * browser); false when it cannot be reached (offline): then transformers.js's cached bytes are used.
 */
export async function streamWasm(files: WasmFiles, deps: WasmSourceDeps): Promise<boolean> {
  const [online] = await Promise.all([reachable(files.wasm, deps.fetch), keepCopies(files, deps)]);
  return online;
}
