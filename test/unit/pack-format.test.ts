import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Forest, MemoryBlockStore } from '../../src/core/forest/index.ts';
import { checkManifest, PACK_VERSION } from '../../src/core/pack/format.ts';

// A pack written by an older npm run pack (format 1: forests of format 3; 2: every part listed in
// pack.json; 3: the keyword index one part; 4: forest blocks through a part table) is refused by
// name, saying to make it again.
describe('pack format', () => {
  const manifest = (version: number): unknown => ({ format: 'glimpse-pack', version, count: 0, models: { captioner: 'c', embedder: 'e' }, forests: {}, lexical: '', rows: [0, 0], table: { part: '', records: 0 } });

  it('refuses a format-1 to 4 pack (forest format 3; a manifest listing every part; the keyword index in one part; a part table) with the named error and what to do', () => {
    expect(PACK_VERSION).toBe(5);
    for (const old of [1, 2, 3, 4]) expect(() => checkManifest(manifest(old), 'https://example.org/pack/')).toThrow(expect.objectContaining({ name: 'PackUnreadableError', message: expect.stringMatching(new RegExp(`format ${old}, made by an older npm run pack; this app reads format 5\\. Make the pack again`)) }));
    expect(() => checkManifest(manifest(6), 'https://example.org/pack/')).toThrow(expect.objectContaining({ name: 'PackUnreadableError', message: expect.stringMatching(/format 6, this app reads format 5\. Update the app/) }));
  });

  it('a format-3 forest opened as a pack opens (sketchInLeaves) is refused by name, not misread', async () => {
    const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/forest/format3.json'), 'utf8')) as { blocks: Record<string, string> };
    const store = new MemoryBlockStore();
    await store.write(Object.entries(fixture.blocks).map(([key, b64]) => ({ key, bytes: new Uint8Array(Buffer.from(b64, 'base64')) })));
    await expect(Forest.open(store, { sketchInLeaves: true, pinLeaves: false })).rejects.toMatchObject({ name: 'ForestUpgradeError' });
  });
});
