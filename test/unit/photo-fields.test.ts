import { describe, expect, it } from 'vitest';
import { parsePhotoFields, type PhotoFields } from '../../src/core/photo/fields.ts';
import { buildRecord } from '../../src/core/text/index.ts';

const bad = (what: string): never => {
  throw new Error(what);
};

const full: PhotoFields = {
  sha256: 'a'.repeat(64),
  name: 'dog.jpg',
  path: 'walks/dog.jpg',
  size: 1234,
  type: 'image/jpeg',
  width: 224,
  height: 168,
  addedAt: 1_700_000_000_000,
  takenAt: 1_600_000_000_000,
  phash: '0123456789abcdef'.repeat(2),
  record: { ...buildRecord(['a dog runs across the grass'], { captioner: 'c', embedder: 'e' }), captionsAsked: 3, ocr: { text: 'STOP', confidence: 0.9, model: 'ppocr' } },
};

// One parser for the per-photo fields of every container (IndexedDB row, library file, pack row).
describe('parsePhotoFields', () => {
  it('keeps every per-photo field, optional ones included, and nothing else', () => {
    expect(parsePhotoFields({ ...full, id: 7, thumb: { offset: 0 }, extra: 1, record: { ...full.record, stray: true } }, bad)).toEqual(full);
    const { takenAt: _t, phash: _p, ...bare } = full;
    const parsed = parsePhotoFields(bare, bad);
    expect(parsed).toEqual(bare);
    expect('takenAt' in parsed || 'phash' in parsed).toBe(false);
  });

  it('names the field that is wrong', () => {
    expect(() => parsePhotoFields({ ...full, sha256: 'xyz' }, bad)).toThrow('has no valid SHA-256');
    expect(() => parsePhotoFields({ ...full, phash: 'zz' }, bad)).toThrow('has no valid perceptual hash');
    expect(() => parsePhotoFields({ ...full, takenAt: 'yesterday' }, bad)).toThrow('has no valid date taken');
    expect(() => parsePhotoFields({ ...full, record: { ...full.record, ocr: { text: 'x', confidence: 2, model: 'm' } } }, bad)).toThrow('confidence outside 0–1');
    expect(() => parsePhotoFields({ ...full, record: { captions: [] } }, bad)).toThrow('has no valid record');
    expect(() => parsePhotoFields([], bad)).toThrow('is not a photo record');
  });

  it('checks the record models against the container when asked', () => {
    const knownModel = (id: string) => id === 'c';
    expect(() => parsePhotoFields(full, bad, { knownModel })).toThrow('names models its manifest.json does not list');
    expect(parsePhotoFields(full, bad, { knownModel: () => true })).toEqual(full);
  });
});
