// A forest's blocks in one file (built once in Node, then streamed into the
// browser's IndexedDB): 'GLFP', count, then per block keyLen u16, key, len u32, bytes.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
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
