// The pack command's writer: src/core/pack/write.ts (the format, shared with a browser writer) with
// Node's SHA-256, zlib and files. Parts land in <out>/p/<sha256>; existing ones are not rewritten.
// pack.json is written last (renamed into place), so a folder with one is a whole pack.
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST_FILE, partPath, type PackManifest } from '../../src/core/pack/format.ts';
import { buildPack, type PartSink } from '../../src/core/pack/write.ts';
import type { WorkItem } from './work.ts';

export { orderItems } from '../../src/core/pack/write.ts';

/** Parts as files named by their SHA-256 under `dir`/p. */
export function folderSink(dir: string): PartSink {
  mkdirSync(path.join(dir, 'p'), { recursive: true });
  return {
    put: (bytes) => {
      const hash = createHash('sha256').update(bytes).digest('hex');
      const file = path.join(dir, partPath(hash));
      if (!existsSync(file)) writeFileSync(file, bytes);
      return Promise.resolve(hash);
    },
  };
}

export async function writePack(outDir: string, work: readonly WorkItem[]): Promise<PackManifest> {
  const manifest = await buildPack(work, { sink: folderSink(outDir), deflateRaw: (b) => deflateRawSync(b, { level: 9 }) });
  const file = path.join(outDir, MANIFEST_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(manifest));
  renameSync(`${file}.tmp`, file);
  return manifest;
}
