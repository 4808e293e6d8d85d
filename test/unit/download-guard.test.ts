import { describe, expect, it } from 'vitest';
import { guardedFetch } from '../../src/ml/download-guard';

// A body that ends (without an error) before its Content-Length must fail, so transformers.js,
// which caches a file once it has read it whole, never stores or parses half a model.
const respond = (body: Uint8Array<ArrayBuffer>, headers: Record<string, string>, status = 200) => (): Promise<Response> =>
  Promise.resolve(new Response(body, { status, headers }));

describe('guardedFetch', () => {
  const bytes = new Uint8Array(1000).map((_, i) => i % 251);

  it('passes a whole body through unchanged', async () => {
    const res = await guardedFetch(respond(bytes, { 'content-length': '1000' }))('https://huggingface.co/a/b/resolve/main/x.onnx');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    expect(res.headers.get('content-length')).toBe('1000');
  });

  it('fails a body shorter than its Content-Length, naming the file and the bytes', async () => {
    const res = await guardedFetch(respond(bytes.subarray(0, 400), { 'content-length': '1000' }))('https://cdn.example/x.onnx?sig=1');
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toMatchObject({ name: 'DownloadCutError', message: 'The download of https://cdn.example/x.onnx stopped after 400 of 1000 bytes.' });
  });

  it('leaves alone what it cannot judge: no Content-Length, a longer (decompressed) body, range answers', async () => {
    for (const [headers, status] of [[{}, 200], [{ 'content-length': '10' }, 200], [{ 'content-length': '1' }, 206]] as const) {
      const res = await guardedFetch(respond(bytes, headers, status))('https://x/y');
      expect((await res.arrayBuffer()).byteLength).toBe(1000);
    }
  });
});
