// The fetch transformers.js downloads models with. A body that ends before the bytes its
// Content-Length promised fails instead of ending: transformers.js reads a whole file before it
// caches it, so a cut download is never stored and never used as a model. (Chromium already
// fails a connection closed early; a response made up by a service worker or a proxy need not.)
import { GlimpseError } from '../core/errors';

export class DownloadCutError extends GlimpseError {
  constructor(url: string, got: number, expected: number) {
    super('DownloadCutError', `The download of ${url.split('?')[0]} stopped after ${got} of ${expected} bytes.`);
  }
}

type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

const urlOf = (input: string | URL): string => (typeof input === 'string' ? input : input.href);

/** `fetch`, with whole 200 bodies checked against their Content-Length (compressed bodies only grow). */
export function guardedFetch(base: Fetch): Fetch {
  return async (input, init) => {
    const res = await base(input, init);
    const expected = Number(res.headers.get('content-length') ?? NaN);
    if (res.status !== 200 || !res.body || !(expected > 0)) return res;
    let got = 0;
    const url = urlOf(input);
    const body = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, out) {
          got += chunk.byteLength;
          out.enqueue(chunk);
        },
        flush(out) {
          if (got < expected) out.error(new DownloadCutError(url, got, expected));
        },
      }),
    );
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}
