// recall@10 of the pack's text forest, read over HTTP by the app's own reader (PackSource,
// PackBlockStore, opened as PackLibrary opens it), against exact search over the vectors packed.
// Searched as a text query's vector half is (PackLibrary.searchText: its k and PACK_TEXT_SEARCH),
// its first 10 taken.
import { Forest } from '../../src/core/forest/index.ts';
import { PackBlockStore } from '../../src/pack/pack-block-store.ts';
import { PackSource } from '../../src/pack/pack-source.ts';
import { DEFAULT_TEXT_SEARCH } from '../../src/core/search/index.ts';
import { PACK_FOREST_OPEN, PACK_TEXT_SEARCH } from '../../workers/lib/pack-library.ts';
import { bruteF32 } from '../lib/exact.ts';
import { recallAt } from '../lib/stats.ts';

export async function packRecall(packUrl: string, base: Float32Array, query: Float32Array, dim: number, k = 10): Promise<{ recall: number; bytesPerQuery: number }> {
  const source = await PackSource.open(packUrl, packUrl);
  const forest = await Forest.open(new PackBlockStore(source, source.manifest.forests.text), PACK_FOREST_OPEN);
  const nq = query.length / dim;
  let sum = 0;
  const before = source.fetchedBytes;
  for (let q = 0; q < nq; q++) {
    const v = query.subarray(q * dim, (q + 1) * dim);
    const hits = (await forest.search(v, Math.max(k, DEFAULT_TEXT_SEARCH.limit), PACK_TEXT_SEARCH)).slice(0, k);
    const truth = Array.from(bruteF32(base, dim, v, k), (j) => j + 1);
    sum += recallAt(hits.map((h) => h.id), truth, k);
  }
  return { recall: sum / nq, bytesPerQuery: (source.fetchedBytes - before) / nq };
}
