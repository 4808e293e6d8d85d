// One forest of a pack as a BlockStore (src/core/forest/store.ts): keys map to parts through the
// part table (read by Range, the records a read needs), reads go out together. Read-only: the forest is opened with sketchInLeaves and only searched.
import type { BlockStore } from '../core/forest/store';
import { GlimpseError } from '../core/errors';
import { blockKind, type PackForest } from '../core/pack/format';
import type { PackSource } from './pack-source';

export class PackBlockStore implements BlockStore {
  constructor(
    private readonly source: PackSource,
    private readonly forest: PackForest,
  ) {}

  read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const v = this.forest.vectors;
    const slots = new Map<string, number>();
    for (const k of keys) {
      const m = /^g(\d+)\/v\/(\d+)$/.exec(k);
      if (m && Number(m[1]) === v.generation && Number(m[2]) < v.count) slots.set(k, Number(m[2]));
    }
    const vectors = this.source.slices(v.part, [...new Set(slots.values())], v.blockBytes);
    const records = new Map<string, number>();
    for (const k of keys) {
      if (slots.has(k)) continue;
      const [kind, n] = blockKind(k);
      const run = Object.hasOwn(this.forest.blocks, kind) ? this.forest.blocks[kind] : undefined;
      if (run && n < run[1]) records.set(k, run[0] + n);
    }
    const recordList = [...new Set(records.values())];
    const parts = this.source.tableParts(recordList).then((got) => new Map(recordList.map((r, i) => [r, got[i]])));
    return Promise.all(
      keys.map(async (k) => {
        const slot = slots.get(k);
        if (slot !== undefined) return (await vectors).get(slot);
        const r = records.get(k);
        return r === undefined ? undefined : (await parts).get(r);
      }),
    );
  }

  /**
   * What a forest's open reads (ForestState.open with pinPages 'roots'): the meta block, tree
   * directories, slot pages, the centroid and each tree's root page. Reading them in one call
   * before the open fetches their table records and parts together, so the open's own reads
   * (one after another: meta, then directories, then slots…) are answered from memory.
   */
  openKeys(): string[] {
    const keys: string[] = [];
    for (const [kind, [, count]] of Object.entries(this.forest.blocks)) {
      if (kind === 'meta') keys.push(kind);
      else if (/\/c$/.test(kind)) keys.push(kind);
      else if (/\/[ds]$/.test(kind)) for (let n = 0; n < count; n++) keys.push(`${kind}/${n}`);
      else if (/\/n\/\d+$/.test(kind) && count > 0) keys.push(`${kind}/0`);
    }
    return keys;
  }

  write(): Promise<void> {
    return Promise.reject(new GlimpseError('ReadOnlyPackError', 'A photo pack is read-only: add it to your library to change it.'));
  }

  deletePrefix(): Promise<void> {
    return this.write();
  }
}
