// Seeded weights. Every tensor has its own stream seeded by (seed, tensor name), so tensors can
// be produced lazily, in any order, in either precision, and still be byte-identical between
// runs. Only integer ops, + - * / and Math.sqrt are used: all exactly specified by IEEE 754, so
// the bytes do not depend on the platform's libm (a Box-Muller normal would use log/cos).

/** FNV-1a over the UTF-16 code units of `${seed}:${name}`. */
export function streamSeed(seed: number, name: string): number {
  const key = `${seed}:${name}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Half-width of a uniform distribution with standard deviation `std`. */
export function uniformBound(std: number): number {
  return std * Math.sqrt(3);
}

/**
 * `count` floats uniform in [-a, a) with a = uniformBound(std), from mulberry32. Uniform rather
 * than normal: no outliers, so activations stay tame and per-tensor int8 scales are known exactly.
 */
export function uniformF32(seed: number, name: string, count: number, std: number): Float32Array {
  const a = uniformBound(std);
  const out = new Float32Array(count);
  let s = streamSeed(seed, name) | 0;
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 * a - a;
  }
  return out;
}
