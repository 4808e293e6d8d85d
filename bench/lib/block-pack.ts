// A forest's blocks in one file (built once in Node, then streamed into the
// browser's IndexedDB): 'GLFP', count, then per block keyLen u16, key, len u32, bytes.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { FORMAT_VERSION } from '../../src/core/forest/block-codec.ts';
import type { MemoryBlockStore } from '../../src/core/forest/index.ts';

export interface PackEntry {
  key: string;
  offset: number;
  length: number;
}

export function writePack(path: string, store: MemoryBlockStore): void {
  const fd = openSync(path, 'w');
  const keys = store.keys().sort();
  const head = Buffer.alloc(8);
  head.write('GLFP', 0, 'latin1');
  head.writeUInt32LE(keys.length, 4);
  writeSync(fd, head);
  for (const key of keys) {
    const bytes = store.raw(key) as Uint8Array;
    const k = Buffer.from(key, 'utf8');
    const h = Buffer.alloc(6 + k.length);
    h.writeUInt16LE(k.length, 0);
    k.copy(h, 2);
    h.writeUInt32LE(bytes.byteLength, 2 + k.length);
    writeSync(fd, h);
    writeSync(fd, bytes);
  }
  closeSync(fd);
}

/** Reads the index (keys, offsets) without loading block bodies. */
export function indexPack(path: string): { fd: number; entries: PackEntry[] } {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(8);
  readSync(fd, head, 0, 8, 0);
  if (head.toString('latin1', 0, 4) !== 'GLFP') throw new Error(`${path} is not a block pack`);
  const count = head.readUInt32LE(4);
  const entries: PackEntry[] = [];
  let pos = 8;
  const h = Buffer.alloc(6 + 256);
  for (let i = 0; i < count; i++) {
    readSync(fd, h, 0, h.length, pos);
    const kl = h.readUInt16LE(0);
    const key = h.toString('utf8', 2, 2 + kl);
    const length = h.readUInt32LE(2 + kl);
    entries.push({ key, offset: pos + 6 + kl, length });
    pos += 6 + kl + length;
  }
  return { fd, entries };
}

/** The raw records of entries [from, to) — already in the wire format the page parses. */
export function readRecords(fd: number, entries: PackEntry[], from: number, to: number): Buffer {
  const start = entries[from].offset - 6 - Buffer.byteLength(entries[from].key);
  const end = entries[to - 1].offset + entries[to - 1].length;
  const buf = Buffer.alloc(end - start);
  readSync(fd, buf, 0, buf.length, start);
  return buf;
}

/**
 * Where a forest built from `name` is kept as a pack. The block format version, a hash of the
 * block codecs' source and the leaf shape are in the name: a pack of older blocks would measure
 * their decode path (or decode wrongly: a codec changed during development once left a pack of
 * another sketch layout), and one of another leaf size another forest.
 */
export function packPathFor(cacheDir: string, name: string, o: { trees: number; seed: number; leafSize: number; leafCapacity: number }): string {
  const codecs = createHash('sha256');
  for (const f of ['block-codec', 'leaf-codec', 'node-codec', 'meta-codec', 'sketch-codec', 'vector-codec', 'sketch', 'rotation', 'half']) codecs.update(readFileSync(resolve(import.meta.dirname, `../../src/core/forest/${f}.ts`)));
  return resolve(cacheDir, `forest-${name}-t${o.trees}-s${o.seed}-L${o.leafSize}-C${o.leafCapacity}-v${FORMAT_VERSION}-${codecs.digest('hex').slice(0, 8)}.pack`);
}

/** Every block of a pack into `store`. */
export async function loadPack(path: string, store: MemoryBlockStore): Promise<void> {
  const { fd, entries } = indexPack(path);
  for (let i = 0; i < entries.length; i += 4096) {
    const part = entries.slice(i, i + 4096), buf = readRecords(fd, entries, i, i + part.length);
    const base = part[0].offset - 6 - Buffer.byteLength(part[0].key);
    await store.write(part.map((e) => ({ key: e.key, bytes: new Uint8Array(buf.buffer, buf.byteOffset + e.offset - base, e.length).slice() })));
  }
  closeSync(fd);
}
