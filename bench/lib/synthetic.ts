// Seeded synthetic "caption embedding" sets: topics → sub-topics, each topic
// with its own low-rank spread (decaying spectrum) plus isotropic noise, a
// shared mean direction, then unit-normalised. Queries are fresh draws from the
// same mixture, never copies of base vectors. Default knobs give a local
// intrinsic dimensionality around 20 (see the LID figure the bench prints),
// in the range reported for real text embeddings; isotropic noise is what
// makes it hard (it flattens distance contrast inside a topic).

export interface SyntheticOptions {
  n: number;
  queries: number;
  dim: number;
  seed: number;
  /** Default round(sqrt(n)/2). */
  topics?: number;
  subtopics?: number;
  rank?: number;
  isoNoise?: number;
}

export function rng32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
}

export function unitVector(r: () => number, d: number): Float32Array {
  const v = new Float32Array(d);
  let s = 0;
  for (let i = 0; i < d; i++) s += (v[i] = gaussian(r)) ** 2;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < d; i++) v[i] *= inv;
  return v;
}

export function syntheticParams(n: number, o: Partial<SyntheticOptions> = {}): Record<string, number> {
  return { topics: o.topics ?? Math.max(4, Math.round(Math.sqrt(n) / 2)), subtopics: o.subtopics ?? 8, rank: o.rank ?? 32, isoNoise: o.isoNoise ?? 0.6 };
}

export function synthetic(o: SyntheticOptions): { base: Float32Array; query: Float32Array; params: Record<string, number> } {
  const d = o.dim;
  const { topics, subtopics: subs, rank, isoNoise: iso } = syntheticParams(o.n, o);
  const W = { global: 0.35, topic: 0.6, sub: 0.45, low: 0.7 };
  const r = rng32(o.seed);
  const g = unitVector(r, d);
  const topicC = Array.from({ length: topics }, () => unitVector(r, d));
  const subC = Array.from({ length: topics * subs }, () => unitVector(r, d));
  const basis = Array.from({ length: topics * rank }, () => unitVector(r, d));
  const lam = Float32Array.from({ length: rank }, (_, j) => 1 / Math.sqrt(j + 1));
  const lamNorm = Math.sqrt(lam.reduce((s, x) => s + x * x, 0));

  const draw = (count: number, rr: () => number): Float32Array => {
    const out = new Float32Array(count * d);
    const isoScale = iso / Math.sqrt(d);
    for (let p = 0; p < count; p++) {
      const t = Math.floor(rr() * topics), s = t * subs + Math.floor(rr() * subs);
      const o0 = p * d, tc = topicC[t], sc = subC[s];
      for (let i = 0; i < d; i++) out[o0 + i] = W.global * g[i] + W.topic * tc[i] + W.sub * sc[i] + isoScale * gaussian(rr);
      for (let j = 0; j < rank; j++) {
        const c = (W.low * lam[j] * gaussian(rr)) / lamNorm, b = basis[t * rank + j];
        for (let i = 0; i < d; i++) out[o0 + i] += c * b[i];
      }
      let ss = 0;
      for (let i = 0; i < d; i++) ss += out[o0 + i] ** 2;
      const inv = 1 / Math.sqrt(ss);
      for (let i = 0; i < d; i++) out[o0 + i] *= inv;
    }
    return out;
  };
  return { base: draw(o.n, rng32(o.seed + 1)), query: draw(o.queries, rng32(o.seed + 2)), params: syntheticParams(o.n, o) };
}
