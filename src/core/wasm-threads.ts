// Whether onnxruntime-web may start WASM threads: one decision for the model worker and for
// Settings → Diagnostics.

export interface ThreadEnv {
  isolated: boolean;
  sharedMemory: boolean;
  userAgent: string;
}

/** Why WASM must run on one thread here, or '' when threads can run. */
export function singleThreadReason(env: ThreadEnv): string {
  // Threads need SharedArrayBuffer, which needs a cross-origin isolated page; WebKitGTK has none even then.
  if (!env.isolated) return 'the page is not cross-origin isolated';
  if (!env.sharedMemory) return 'this browser has no SharedArrayBuffer';
  // Firefox ESR 153: in about 1 page load of 4 under CPU load, ORT's thread worker gets its 'load'
  // message and its 'loaded' never reaches the worker that started it, so the models never start
  // (no error, indexing and search wait for ever). On one thread they always start.
  if (/\bFirefox\//.test(env.userAgent)) return 'WASM threads in Firefox at times never start';
  return '';
}
