// recall@10 of the pack's text forest, read over HTTP by the app's own reader (PackSource,
// PackBlockStore, opened as PackLibrary opens it), against exact search over the vectors packed.
// Searched as a text query's vector half is (PackLibrary.searchText: its k and PACK_TEXT_SEARCH),
// its first 10 taken. Row i of the vectors is the photo bench/pack/build.ts named `<i>.jpg`; its
// id is read from the pack's rows (format 6 numbers ids in the text forest's slot order, not by path).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Forest } from '../../src/core/forest/index.ts';
import { PackBlockStore } from '../../src/pack/pack-block-store.ts';
import { PackSource } from '../../src/pack/pack-source.ts';
import { DEFAULT_TEXT_SEARCH } from '../../src/core/search/index.ts';
import { PACK_FOREST_OPEN, PACK_TEXT_SEARCH } from '../../workers/lib/pack-library.ts';
import { bruteF32 } from '../lib/exact.ts';
import { recallAt } from '../lib/stats.ts';
import { partPath, type PackManifest } from '../../src/core/pack/format.ts';
import { rowPagesOf } from './rows.ts';

/** Each vector row's id in the pack at `dir`, from its row pages (the row's number is in its file name). */
export function idsOfRows(dir: string, m: PackManifest): Uint32Array {
  const ids = new Uint32Array(m.count);
  for (const rows of rowPagesOf(m, readFileSync(path.join(dir, partPath(m.rows.part))), readFileSync(path.join(dir, partPath(m.rows.index))))) {
    for (const r of rows) ids[Number(/(\d+)\.jpg$/.exec(r.name)![1])] = r.id;
  }
  return ids;
}

export async function packRecall(packUrl: string, base: Float32Array, query: Float32Array, dim: number, idOf: Uint32Array, k = 10): Promise<{ recall: number; bytesPerQuery: number }> {
  const source = await PackSource.open(packUrl, packUrl);
  const forest = await Forest.open(new PackBlockStore(source, source.manifest.forests.text), PACK_FOREST_OPEN);
  const nq = query.length / dim;
  let sum = 0;
  const before = source.fetchedBytes;
  for (let q = 0; q < nq; q++) {
    const v = query.subarray(q * dim, (q + 1) * dim);
    const hits = (await forest.search(v, Math.max(k, DEFAULT_TEXT_SEARCH.limit), PACK_TEXT_SEARCH)).slice(0, k);
    const truth = Array.from(bruteF32(base, dim, v, k), (j) => idOf[j]!);
    sum += recallAt(hits.map((h) => h.id), truth, k);
  }
  return { recall: sum / nq, bytesPerQuery: (source.fetchedBytes - before) / nq };
}
