import { describe, expect, it } from 'vitest';
import { extractCaption, extractCaptions } from '../../src/core/text/extract.ts';
import { ANALYTICS_RECORD_VERSION, buildRecord, isCurrentRecord } from '../../src/core/text/record.ts';

const fmt = (ts: readonly { s: string; r: string; o: string }[]): string[] => ts.map((t) => `${t.s}|${t.r}|${t.o}`);

describe('triplet extraction', () => {
  it('lemmatises subject, relation and object', () => {
    expect(fmt(extractCaption('Two dogs are playing in the snow .').triplets)).toEqual(['dog|play in|snow']);
  });
  it('attaches a prepositional phrase to its noun and the verb to the clause subject', () => {
    const t = fmt(extractCaption('A man in a red shirt rides a bike .').triplets);
    expect(t).toContain('man|wear|shirt'); // "in" + clothing reads as wearing
    expect(t).toContain('man|ride|bike');
    expect(t).toContain('shirt|is|red');
  });
  it('shares a verb between coordinated subjects', () => {
    const t = fmt(extractCaption('A man and a woman are sitting on a dock .').triplets);
    expect(t).toEqual(expect.arrayContaining(['man|sit on|dock', 'woman|sit on|dock']));
  });
  it('looks through container nouns and multi-word prepositions', () => {
    expect(fmt(extractCaption('A group of people walking down a city street').triplets)).toContain('person|walk down|street');
    expect(fmt(extractCaption('A man is standing next to a woman').triplets)).toContain('man|stand next to|woman');
  });
  it('tags nouns (lemmatised) and colours', () => {
    expect(extractCaption('Two black dogs chase a ball on the beach').tags).toEqual(['dog', 'black', 'ball', 'beach']);
  });
});

describe('de-duplication across captions', () => {
  it('merges the same fact stated differently and ranks it by how many captions state it', () => {
    const facts = extractCaptions(['Two dogs play in the snow .', 'A dog is playing in the snow .', 'A dog runs .']);
    const t = fmt(facts.triplets);
    expect(t.filter((x) => x === 'dog|play in|snow')).toHaveLength(1);
    expect(t[0]).toBe('dog|play in|snow');
    expect(facts.tags.slice(0, 2)).toEqual(['dog', 'snow']);
  });
});

describe('analytics record', () => {
  it('builds a versioned record from captions', () => {
    const r = buildRecord([' A man rides a bike . ', ''], { captioner: 'cap-v1', embedder: 'sbert-v1' });
    expect(r.version).toBe(ANALYTICS_RECORD_VERSION);
    expect(r.captions).toEqual(['A man rides a bike .']);
    expect(fmt(r.triplets)).toEqual(['man|ride|bike']);
    expect(r.tags).toEqual(['man', 'bike']);
    expect(isCurrentRecord(JSON.parse(JSON.stringify(r)))).toBe(true);
    expect(isCurrentRecord({ ...r, version: 0 })).toBe(false);
  });
});
