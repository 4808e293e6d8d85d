// Analysed photos → a pack folder (src/core/pack/format.ts): both forests built in memory with
// the app's own forest code, each leaf's sketch rows stored beside it (a reader over HTTP opens
// with sketchInLeaves and reads no sketch table), the lexical index split (a head part, directory
// pages, one postings part read by Range: src/core/text/lexical-split.ts), rows in pages in one
// part read by Range (with an index of their lengths),
// one part per thumbnail. Parts are named by their SHA-256; existing ones are not rewritten.
// Forest blocks are listed in the part table (fixed-size records read by Range),
// so pack.json stays small.
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildForest } from '../../src/core/forest/build.ts';
import { leafRowsBlocks } from '../../src/core/forest/leaf-rows.ts';
import { MemoryBlockStore } from '../../src/core/forest/memory-store.ts';
import { blockKind, MANIFEST_FILE, PACK_FORMAT, PACK_VERSION, partPath, rowPageBytes, ROWS_PER_PAGE, tableRecord, TABLE_RECORD, type PackForest, type PackManifest, type PackRow, type TableRun } from '../../src/core/pack/format.ts';
import { splitLexical } from '../../src/core/text/lexical-split.ts';
import { FULL_OPTIONS, LexicalIndex } from '../../src/core/text/index.ts';
import type { WorkItem } from './work.ts';

class Parts {
  bytes = 0;
  private readonly seen = new Set<string>();
  constructor(private readonly dir: string) {
    mkdirSync(path.join(dir, 'p'), { recursive: true });
  }
  put(bytes: Uint8Array): string {
    const hash = createHash('sha256').update(bytes).digest('hex');
    const file = path.join(this.dir, partPath(hash));
    if (!existsSync(file)) writeFileSync(file, bytes);
    if (!this.seen.has(hash)) this.bytes += bytes.byteLength;
    this.seen.add(hash);
    return hash;
  }
}

/** Same photos in, same pack out: items are ordered by path (then hash), ids follow that order. */
export function orderItems(items: readonly WorkItem[]): WorkItem[] {
  return [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.sha256 < b.sha256 ? -1 : 1));
}

/** The part table being written: runs of records, in order. */
class Table {
  readonly hashes: (string | undefined)[] = [];
  run(hashes: readonly (string | undefined)[]): TableRun {
    const first = this.hashes.length;
    this.hashes.push(...hashes);
    return [first, hashes.length];
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.hashes.length * TABLE_RECORD);
    this.hashes.forEach((h, i) => out.set(tableRecord(h), i * TABLE_RECORD));
    return out;
  }
}

async function packForest(parts: Parts, table: Table, ids: number[], rows: Float32Array[]): Promise<PackForest> {
  const dim = rows[0]?.length ?? 0;
  const store = new MemoryBlockStore();
  const flat = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => flat.set(r, i * dim));
  await buildForest(store, { dim, ids, vectors: flat }, { seed: 1 });
  await store.write(await leafRowsBlocks(store));
  const kinds = new Map<string, (string | undefined)[]>();
  const vectors: Uint8Array[] = [];
  let generation = 0;
  for (const key of store.keys().sort()) {
    // The sketch table stays out: its rows are in the leaf rows blocks.
    if (/\/k\//.test(key)) continue;
    const v = /^g(\d+)\/v\/(\d+)$/.exec(key);
    if (v) {
      generation = Number(v[1]);
      vectors[Number(v[2])] = store.raw(key)!;
    } else {
      const [kind, n] = blockKind(key);
      let list = kinds.get(kind);
      if (!list) kinds.set(kind, (list = []));
      list[n] = parts.put(store.raw(key)!);
    }
  }
  const blocks: Record<string, TableRun> = {};
  for (const [kind, list] of [...kinds].sort(([a], [b]) => (a < b ? -1 : 1))) blocks[kind] = table.run(Array.from(list));
  const blockBytes = vectors[0]?.byteLength ?? 0;
  const all = new Uint8Array(blockBytes * vectors.length);
  vectors.forEach((b, slot) => {
    if (b.byteLength !== blockBytes) throw new Error(`vector block ${slot} is ${b.byteLength} bytes, not ${blockBytes}`);
    all.set(b, slot * blockBytes);
  });
  if (vectors.length !== rows.length || vectors.some((b) => b === undefined)) throw new Error('vector slots are not 0…n-1');
  return { dim, blocks, vectors: { part: parts.put(all), generation, blockBytes, count: vectors.length } };
}

export async function writePack(outDir: string, work: readonly WorkItem[]): Promise<PackManifest> {
  const items = orderItems(work);
  if (items.length === 0) throw new Error('No analysed photos: nothing to pack.');
  const models = items[0]!.models;
  const other = items.find((i) => i.models.captioner !== models.captioner || i.models.embedder !== models.embedder);
  if (other) throw new Error(`${other.path} was analysed with other models (${other.models.captioner}, ${other.models.embedder}) than ${items[0]!.path}; delete the work folder and pack again.`);
  const parts = new Parts(outDir);
  const ids = items.map((_, i) => i + 1);
  const lexical = new LexicalIndex(FULL_OPTIONS);
  const rows: PackRow[] = items.map((it, i) => {
    lexical.add(ids[i]!, it.record);
    const { text: _t, visual: _v, thumb, models: _m, ...row } = it;
    return { ...row, id: ids[i]!, addedAt: it.takenAt, thumb: parts.put(thumb) };
  });
  const table = new Table();
  const rowPages: Uint8Array[] = [];
  for (let p = 0; p * ROWS_PER_PAGE < rows.length; p++) rowPages.push(rowPageBytes(new TextEncoder().encode(JSON.stringify(rows.slice(p * ROWS_PER_PAGE, (p + 1) * ROWS_PER_PAGE)))));
  const rowIndex: number[] = [];
  for (const page of rowPages) for (let n = page.byteLength; ; n = Math.floor(n / 0x80)) {
    if (n < 0x80) {
      rowIndex.push(n);
      break;
    }
    rowIndex.push((n % 0x80) | 0x80);
  }
  const rowsRef = { part: parts.put(Buffer.concat(rowPages)), index: parts.put(Uint8Array.from(rowIndex)), pages: rowPages.length };
  const forests = {
    text: await packForest(parts, table, ids, items.map((i) => i.text)),
    visual: await packForest(parts, table, ids, items.map((i) => i.visual)),
  };
  const manifest: PackManifest = {
    format: PACK_FORMAT,
    version: PACK_VERSION,
    count: items.length,
    models,
    table: { part: parts.put(table.bytes()), records: table.hashes.length },
    forests,
    lexical: parts.put(new TextEncoder().encode(JSON.stringify(splitLexical(lexical, (b) => parts.put(b), { deflate: (b) => deflateRawSync(b, { level: 9 }) })))),
    rows: rowsRef,
    bytes: 0,
  };
  manifest.bytes = parts.bytes;
  const file = path.join(outDir, MANIFEST_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(manifest));
  renameSync(`${file}.tmp`, file);
  return manifest;
}
