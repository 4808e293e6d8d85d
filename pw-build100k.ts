import { ensurePack } from './bench/pack/build.ts';
const r = await ensurePack({ n: 100000, queries: 20, textDim: 384, visualDim: 768, thumbs: 1000, seed: 7 }, console.log);
console.log(r.dir, r.buildSeconds);
