import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Forest, MemoryBlockStore } from '../../src/core/forest/index.ts';
import { checkManifest, PACK_VERSION } from '../../src/core/pack/format.ts';
import { decodeSlotIds, encodeSlotIds } from '../../src/core/pack/slots.ts';

// A pack written by an older npm run pack (format 1: forests of format 3; 2: every part listed in
// pack.json; 3: the keyword index one part; 4: forest blocks through a part table) is refused by
// name, saying to make it again. Format 5 is still read (library files exported with it: the
// format2.glimpse fixture, test/unit/pack-file.test.ts); format 6 adds each forest's slot table part.
describe('pack format', () => {
  const manifest = (version: number): unknown => ({ format: 'glimpse-pack', version, count: 0, models: { captioner: 'c', embedder: 'e' }, forests: {}, lexical: '', rows: [0, 0], table: { part: '', records: 0 } });

  it('refuses a format-1 to 4 pack (forest format 3; a manifest listing every part; the keyword index in one part; a part table) with the named error and what to do', () => {
    expect(PACK_VERSION).toBe(7);
    for (const old of [1, 2, 3, 4]) expect(() => checkManifest(manifest(old), 'https://example.org/pack/')).toThrow(expect.objectContaining({ name: 'PackUnreadableError', message: expect.stringMatching(new RegExp(`format ${old}, made by an older npm run pack; this app reads formats 5 to 7\\. Make the pack again`)) }));
    expect(() => checkManifest(manifest(8), 'https://example.org/pack/')).toThrow(expect.objectContaining({ name: 'PackUnreadableError', message: expect.stringMatching(/format 8, this app reads formats 5 to 7\. Update the app/) }));
  });

  it('format 6 needs each forest\'s slot table part; format 5 must have none', () => {
    const hash = (c: string): string => c.repeat(64);
    const forest = (slots?: string): unknown => ({ dim: 4, blocks: { part: hash('a'), index: hash('b'), open: 0, plain: ['meta'], runs: {}, ...(slots ? { slots } : {}) }, vectors: { part: hash('c'), generation: 1, blockBytes: 8, count: 0 } });
    const pack = (version: number, slots?: string): unknown => ({ format: 'glimpse-pack', version, count: 0, models: { captioner: 'c', embedder: 'e' }, forests: { text: forest(slots), visual: forest(slots) }, lexical: hash('d'), rows: { part: hash('e'), index: hash('f'), pages: 0 }, bytes: 0 });
    expect(checkManifest(pack(6, hash('1')), 'u').version).toBe(6);
    expect(checkManifest(pack(5), 'u').version).toBe(5);
    expect(() => checkManifest(pack(6), 'u')).toThrow(expect.objectContaining({ name: 'PackUnreadableError', message: expect.stringContaining('no text slot table') }));
    expect(() => checkManifest(pack(5, hash('1')), 'u')).toThrow(expect.objectContaining({ name: 'PackUnreadableError', message: expect.stringContaining('no text slot table') }));
  });

  it('slot tables: ids in slot order, up to 2^32 − 2, back as written; short or long tables refused', () => {
    const ids = Uint32Array.of(1, 2, 3, 7, 5, 0xfffffffe, 0, 100_000, 99_999);
    const bytes = encodeSlotIds(ids);
    expect(decodeSlotIds(bytes, ids.length)).toEqual(ids);
    // A run of neighbours (ids numbered in slot order) costs a byte a slot before deflate.
    expect(encodeSlotIds(Uint32Array.from({ length: 1000 }, (_, i) => i + 1)).byteLength).toBe(1000);
    expect(() => decodeSlotIds(bytes, ids.length + 1)).toThrow(RangeError);
    expect(() => decodeSlotIds(bytes, ids.length - 1)).toThrow(/trailing/);
    expect(() => decodeSlotIds(Uint8Array.of(1), 1)).toThrow(/id -1/);
  });

  it('a format-3 forest opened as a pack opens (sketchInLeaves) is refused by name, not misread', async () => {
    const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/forest/format3.json'), 'utf8')) as { blocks: Record<string, string> };
    const store = new MemoryBlockStore();
    await store.write(Object.entries(fixture.blocks).map(([key, b64]) => ({ key, bytes: new Uint8Array(Buffer.from(b64, 'base64')) })));
    await expect(Forest.open(store, { sketchInLeaves: true, pinLeaves: false })).rejects.toMatchObject({ name: 'ForestUpgradeError' });
  });
});
