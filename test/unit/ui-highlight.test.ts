import { describe, expect, it } from 'vitest';
import { highlightSegments } from '../../src/ui/highlight';

describe('caption highlighting (plain-text segments, never HTML)', () => {
  it('marks whole matched words, case-insensitively, and keeps the rest as text', () => {
    expect(highlightSegments('A dog runs; the Dogs run', ['dog', 'run'])).toEqual([
      { text: 'A ', mark: false },
      { text: 'dog', mark: true },
      { text: ' runs; the Dogs ', mark: false },
      { text: 'run', mark: true },
    ]);
  });

  it('treats markup and regex characters in captions and words as text', () => {
    const segs = highlightSegments('<img src=x onerror=alert(1)> a (dog)', ['(dog', 'img']);
    expect(segs.map((s) => s.text).join('')).toBe('<img src=x onerror=alert(1)> a (dog)');
    expect(segs.filter((s) => s.mark).map((s) => s.text)).toEqual(['img']);
  });

  it('returns the caption as one segment when nothing is highlighted', () => {
    expect(highlightSegments('a cat', [])).toEqual([{ text: 'a cat', mark: false }]);
  });
});
