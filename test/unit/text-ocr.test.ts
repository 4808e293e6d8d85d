import { describe, expect, it } from 'vitest';
import { describeMatch } from '../../src/core/search/explain';
import { boundedDistance, FuzzyVocabulary } from '../../src/core/text/fuzzy';
import { LexicalIndex } from '../../src/core/text/lexical-index';
import { fromSnapshot, toSnapshot } from '../../src/core/text/lexical-snapshot';
import { FULL_OPTIONS } from '../../src/core/text/lexical-types';
import { buildRecord, isCurrentRecord, type AnalyticsRecord } from '../../src/core/text/record';
import { recordText } from '../../src/core/text/record-text';
import { looksLikeScreen } from '../../workers/lib/read-text';

const models = { captioner: 'c', embedder: 'e' };
const withText = (caption: string, text: string): AnalyticsRecord => ({ ...buildRecord([caption], models), ocr: { text, confidence: 0.9, model: 'ocr' } });

function library(): { index: LexicalIndex; records: Map<number, AnalyticsRecord> } {
  const records = new Map<number, AnalyticsRecord>([
    [1, withText('a screen shot of a phone', 'Reminders\nDentist on Tuesday at 3 pm\nWi-Fi passw0rd')],
    [2, withText('a man standing on a street', 'WILLRISOTTO')],
    [3, { ...buildRecord(['a dog running on the grass'], models), ocr: { text: '', confidence: 0, model: 'ocr' } }],
    [4, buildRecord(['a bakery shop window'], models)],
  ]);
  const index = new LexicalIndex(FULL_OPTIONS);
  for (const [id, r] of records) index.add(id, r);
  return { index, records };
}

describe('near spellings in OCR text', () => {
  it('finds words one or two edits away, and words that hold the query whole', () => {
    const v = new FuzzyVocabulary();
    for (const w of ['password', 'passw0rd', 'willrisotto', 'dentlst', 'cat']) v.add(w);
    expect(v.near('password')).toEqual(['passw0rd']);
    expect(v.near('dentist')).toEqual(['dentlst']);
    expect(v.near('risotto')).toEqual(['willrisotto']);
    expect(v.near('car')).toEqual([]); // too short to guess
    v.remove('passw0rd');
    expect(v.near('password')).toEqual([]);
    expect(boundedDistance('kitten', 'sitting', 3)).toBe(3);
    expect(boundedDistance('kitten', 'sitting', 1)).toBe(2);
  });

  it('ranks a photo by its read text, misread letters and lost spaces included, and never a caption by a near spelling', () => {
    const { index } = library();
    expect(index.search('dentist')[0]?.id).toBe(1);
    expect(index.search('password').map((h) => h.id)).toEqual([1]);
    expect(index.search('risotto').map((h) => h.id)).toEqual([2]);
    // "bakers" is one edit from "bakery" in photo 4's caption: captions take no near spellings.
    expect(index.search('bakers')).toEqual([]);
    const reason = index.search('password')[0]?.reasons[0];
    expect(reason).toMatchObject({ kind: 'term', relation: 'fuzzy', fields: ['ocr'] });
  });

  it('keeps the OCR field and its near spellings across a snapshot', () => {
    const { index } = library();
    const copy = fromSnapshot(structuredClone(toSnapshot(index)), FULL_OPTIONS);
    expect(copy.docData(1)).toEqual(index.docData(1));
    expect(copy.search('password').map((h) => h.id)).toEqual([1]);
    copy.remove(1);
    expect(copy.search('password')).toEqual([]);
  });

  it('explains a hit by the text in the photo, highlighting the words as written', () => {
    const { index, records } = library();
    const hit = { ...index.search('dentist tuesday')[0]!, reasons: index.search('dentist tuesday')[0]!.reasons };
    const summary = describeMatch(hit, records.get(hit.id)!);
    expect(summary.kind).toBe('ocr');
    expect(summary.text).toBe('text in photo: “… Dentist on Tuesday at 3 pm · Wi-Fi passw0rd”');
    expect(summary.highlights).toEqual(['Dentist', 'Tuesday']);
    const fuzzy = index.search('password')[0]!;
    expect(describeMatch(fuzzy, records.get(1)!).highlights).toEqual(['passw0rd']);
    // A caption match stays a caption reason.
    const cap = index.search('dog')[0]!;
    expect(describeMatch(cap, records.get(cap.id)!).kind).toBe('caption');
  });
});

describe('OCR text in the record', () => {
  it('joins the SBERT text and is checked when present', () => {
    const r = withText('a screen shot', 'Dentist\n3 pm');
    expect(recordText(r).endsWith('. Text in the photo: Dentist 3 pm')).toBe(true);
    expect(recordText(buildRecord(['a dog'], models))).not.toContain('Text in the photo');
    expect(isCurrentRecord(r)).toBe(true);
    expect(isCurrentRecord({ ...r, ocr: { text: 3 } })).toBe(false);
  });
});

describe('the screen test of the first pass', () => {
  const pixels = (f: (i: number) => number) => {
    const data = new Uint8ClampedArray(64 * 64 * 4);
    for (let i = 0; i < data.length; i++) data[i] = (i & 3) === 3 ? 255 : f(i);
    return { data, width: 64, height: 64 };
  };
  it('sees a flat background as a screen and camera noise as a photo', () => {
    expect(looksLikeScreen(pixels((i) => (i % 97 === 0 ? 0 : 250)))).toBe(true);
    let seed = 7;
    expect(looksLikeScreen(pixels(() => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 16) & 255))).toBe(false);
  });
});
