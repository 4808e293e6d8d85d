// One forest of a pack as a BlockStore (src/core/forest/store.ts): its blocks lie back to back in
// one part (format.ts blockLayout), located by the lengths index read at open; a read's blocks go
// out together as Range requests (neighbours in one). Format 6 keeps the slot→id table in a part of
// its own (format.ts, slots.ts), read whole at open and served as the slot pages the forest reads.
// Read-only: the forest is opened with sketchInLeaves and only searched.
import type { BlockStore } from '../core/forest/store';
import { GlimpseError } from '../core/errors';
import { encodeSlots, SLOT_PAGE } from '../core/forest/meta-codec';
import { slotKey } from '../core/forest/store';
import { blockLayout, openBlockCount, partPath, rowOffsets, type PackForest } from '../core/pack/format';
import { decodeSlotIds } from '../core/pack/slots';
import { inflateRaw } from './inflate';
import type { PackSource } from './pack-source';

export class PackBlockStore implements BlockStore {
  /** Key → [start, end) in the blocks part, once the index is read. */
  private at: Map<string, readonly [number, number]> | undefined;
  /** The blocks the open reads, fetched in one range beside the index. */
  private readonly opened = new Map<string, Uint8Array>();
  private loading: Promise<void> | undefined;

  constructor(
    private readonly source: PackSource,
    private readonly forest: PackForest,
  ) {}

  /** Reads the lengths index and, at the same time, the blocks the forest's open reads (one range). */
  ready(): Promise<void> {
    this.loading ??= (async () => {
      const b = this.forest.blocks;
      const [index, head, slots] = await Promise.all([
        this.source.part(b.index),
        b.open > 0 ? this.source.byteRanges(b.part, [[0, b.open]]) : Promise.resolve([new Uint8Array(0)]),
        b.slots === undefined ? undefined : this.source.part(b.slots),
      ]);
      const layout = blockLayout(b);
      let offsets: Float64Array;
      try {
        offsets = rowOffsets(await inflateRaw(index), layout.length);
      } catch (e) {
        throw this.source.error(`its block index ${partPath(b.index)} does not add up (${(e as Error).message}). ${this.source.reader.remake}`);
      }
      const at = new Map<string, readonly [number, number]>();
      layout.forEach((k, i) => at.set(k, [offsets[i]!, offsets[i + 1]!]));
      const n = openBlockCount(layout);
      if (offsets[n] !== b.open) throw this.source.error(`its block index ${partPath(b.index)} does not match pack.json. ${this.source.reader.remake}`);
      for (let i = 0; i < n; i++) this.opened.set(layout[i]!, head[0]!.subarray(offsets[i], offsets[i + 1]));
      if (slots) await this.slotPages(slots);
      this.at = at;
    })().catch((e: unknown) => {
      this.loading = undefined; // a later call may succeed (network back)
      throw e;
    });
    return this.loading;
  }

  /** Format 6: the slot pages the forest's open reads, made from the slot table part. */
  private async slotPages(part: Uint8Array): Promise<void> {
    const { generation: g, count } = this.forest.vectors;
    let ids: Uint32Array;
    try {
      ids = decodeSlotIds(await inflateRaw(part), count);
    } catch (e) {
      throw this.source.error(`its slot table ${partPath(this.forest.blocks.slots!)} does not add up (${(e as Error).message}). ${this.source.reader.remake}`);
    }
    for (let p = 0; p * SLOT_PAGE < count; p++) this.opened.set(slotKey(g, p), encodeSlots(ids, p));
  }

  async read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    await this.ready();
    const v = this.forest.vectors;
    const slots = new Map<string, number>();
    for (const k of keys) {
      const m = /^g(\d+)\/v\/(\d+)$/.exec(k);
      if (m && Number(m[1]) === v.generation && Number(m[2]) < v.count) slots.set(k, Number(m[2]));
    }
    const vectors = slots.size > 0 ? this.source.slices(v.part, [...new Set(slots.values())], v.blockBytes) : undefined;
    const ranged = keys.filter((k) => !slots.has(k) && !this.opened.has(k) && this.at!.has(k));
    const blocks = ranged.length > 0 ? this.source.byteRanges(this.forest.blocks.part, ranged.map((k) => this.at!.get(k)!)) : undefined;
    const [vecs, list] = await Promise.all([vectors, blocks]);
    const got = new Map<string, Uint8Array>();
    list?.forEach((b, i) => got.set(ranged[i]!, b));
    return keys.map((k) => {
      const slot = slots.get(k);
      return slot !== undefined ? vecs?.get(slot) : (this.opened.get(k) ?? got.get(k));
    });
  }

  write(): Promise<void> {
    return Promise.reject(new GlimpseError('ReadOnlyPackError', 'A photo pack is read-only: add it to your library to change it.'));
  }

  deletePrefix(): Promise<void> {
    return this.write();
  }
}
