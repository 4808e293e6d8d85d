// Text sniffing: SVG drawings (after an optional BOM, XML prologue, comments or doctype) and
// plain text that was given an image's name. Only the first few KiB are looked at.
import type { SniffResult } from './types';

const HEAD = 4096;

/** The start of the file with any BOM removed; UTF-16 reduced to its low bytes. */
function headBytes(b: Uint8Array): Uint8Array {
  const bytes = b.subarray(0, HEAD);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3);
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  return utf16 ? bytes.subarray(2).filter((x) => x !== 0) : bytes;
}

/** True when no byte is a control character other than tab, newline, form feed, CR or ESC. */
function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (const x of bytes) {
    if ((x < 0x20 && x !== 0x09 && x !== 0x0a && x !== 0x0c && x !== 0x0d && x !== 0x1b) || x === 0x7f) return false;
  }
  return true;
}

export function sniffText(b: Uint8Array): SniffResult | undefined {
  const bytes = headBytes(b);
  let s = '';
  for (const x of bytes) s += String.fromCharCode(x);
  s = s.trimStart().toLowerCase();
  if (s.startsWith('<') && /<svg[\s>/]/.test(s)) return { kind: 'svg', mime: 'image/svg+xml' };
  return looksLikeText(bytes) ? { kind: 'text', mime: 'text/plain' } : undefined;
}
