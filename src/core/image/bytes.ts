// Bounds-checked big/little-endian readers over a Uint8Array. Header parsers call `has` first;
// reads past the end return 0 rather than throwing, so a hostile header cannot crash a walk.

export const has = (b: Uint8Array, offset: number, length: number): boolean =>
  offset >= 0 && length >= 0 && offset + length <= b.length;

export const u8 = (b: Uint8Array, o: number): number => b[o] ?? 0;
export const u16be = (b: Uint8Array, o: number): number => (u8(b, o) << 8) | u8(b, o + 1);
export const u16le = (b: Uint8Array, o: number): number => u8(b, o) | (u8(b, o + 1) << 8);
export const u24le = (b: Uint8Array, o: number): number => u16le(b, o) + u8(b, o + 2) * 0x10000;
export const u32be = (b: Uint8Array, o: number): number => u16be(b, o) * 0x10000 + u16be(b, o + 2);
export const u32le = (b: Uint8Array, o: number): number => u16le(b, o) + u16le(b, o + 2) * 0x10000;
export const i32le = (b: Uint8Array, o: number): number => u32le(b, o) | 0;

/** Latin-1 view of `length` bytes at `o` (for four-character codes and signatures). */
export function ascii(b: Uint8Array, o: number, length: number): string {
  let s = '';
  for (let i = o; i < o + length && i < b.length; i++) s += String.fromCharCode(b[i] ?? 0);
  return s;
}

export function startsWith(b: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (!has(b, at, signature.length)) return false;
  return signature.every((v, i) => b[at + i] === v);
}
