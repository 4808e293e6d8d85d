// Every row page of a pack from its rows part and index read whole (Node: bench:pack and the
// tests; the app reads pages by Range, workers/lib/pack-library.ts). Format 7 on, both are deflated.
import { inflateRawSync } from 'node:zlib';
import { rowOffsets, rowPageJson, rowsDeflated, type PackManifest, type PackRow } from '../../src/core/pack/format.ts';

export function rowPagesOf(m: Pick<PackManifest, 'version' | 'rows'>, part: Uint8Array, index: Uint8Array): PackRow[][] {
  const stored = (b: Uint8Array): Uint8Array => (rowsDeflated(m.version) ? inflateRawSync(b) : b);
  const at = rowOffsets(stored(index), m.rows.pages);
  return Array.from({ length: m.rows.pages }, (_, p) => {
    const json = rowPageJson(part.subarray(at[p], at[p + 1]));
    if (!json) throw new RangeError(`row page ${p} fails its checksum`);
    return JSON.parse(new TextDecoder().decode(stored(json))) as PackRow[];
  });
}
