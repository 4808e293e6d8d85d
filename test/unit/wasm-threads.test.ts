import { describe, expect, it } from 'vitest';
import { singleThreadReason } from '../../src/core/wasm-threads';

const CHROMIUM = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0';
const WEBKIT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15';

describe('singleThreadReason', () => {
  it('lets WASM run threads where the page is isolated, memory can be shared and the engine starts them', () => {
    expect(singleThreadReason({ isolated: true, sharedMemory: true, userAgent: CHROMIUM })).toBe('');
    expect(singleThreadReason({ isolated: true, sharedMemory: true, userAgent: WEBKIT })).toBe('');
  });

  it('names why WASM runs on one thread: no isolation, no SharedArrayBuffer, or Firefox', () => {
    expect(singleThreadReason({ isolated: false, sharedMemory: true, userAgent: CHROMIUM })).toBe('the page is not cross-origin isolated');
    expect(singleThreadReason({ isolated: true, sharedMemory: false, userAgent: WEBKIT })).toBe('this browser has no SharedArrayBuffer');
    expect(singleThreadReason({ isolated: true, sharedMemory: true, userAgent: FIREFOX })).toBe('WASM threads in Firefox at times never start');
  });
});
