import { describe, expect, it } from 'vitest';
import { keyOf, lemmatize } from '../../src/core/text/lemmatize.ts';
import { isStopWord } from '../../src/core/text/stopwords.ts';
import { tokenize } from '../../src/core/text/tokenize.ts';

describe('tokenize', () => {
  it('lower-cases, drops punctuation and possessives, folds digits and spelling', () => {
    expect(tokenize("The boy's 2 grey dogs, playing!")).toEqual(['the', 'boy', 'two', 'gray', 'dogs', 'playing']);
  });
  it('splits hyphenated words and drops stray single letters', () => {
    expect(tokenize('A man in a t-shirt and light-up shoes')).toEqual(['man', 'in', 'shirt', 'and', 'light', 'up', 'shoes']);
  });
});

describe('lemmatize', () => {
  it.each([
    ['men', 'man'],
    ['women', 'woman'],
    ['children', 'child'],
    ['people', 'person'],
    ['feet', 'foot'],
    ['dogs', 'dog'],
    ['puppies', 'puppy'],
    ['boxes', 'box'],
    ['leaves', 'leaf'],
    ['glasses', 'glasses'],
    ['dress', 'dress'],
    ['grass', 'grass'],
    ['bus', 'bus'],
  ])('noun %s -> %s', (word, lemma) => expect(lemmatize(word, 'noun')).toBe(lemma));

  it.each([
    ['playing', 'play'],
    ['running', 'run'],
    ['sitting', 'sit'],
    ['riding', 'ride'],
    ['rides', 'ride'],
    ['skiing', 'ski'],
    ['jumped', 'jump'],
    ['dancing', 'dance'],
    ['tried', 'try'],
    ['stopped', 'stop'],
    ['rolling', 'roll'],
    ['swimming', 'swim'],
    ['rode', 'ride'],
    ['sat', 'sit'],
    ['is', 'be'],
    ['lying', 'lie'],
  ])('verb %s -> %s', (word, lemma) => expect(lemmatize(word)).toBe(lemma));

  it('leaves short words and -ing/-ed look-alikes alone', () => {
    for (const w of ['red', 'sled', 'speed', 'swing', 'string', 'thing']) expect(lemmatize(w)).toBe(w);
  });

  it('gives every inflection of a word the same key, even when a rule misses the "e"', () => {
    expect(keyOf('explores')).toBe(keyOf('exploring'));
    expect(keyOf('dances')).toBe(keyOf('dancing'));
    expect(keyOf('bikes')).toBe(keyOf('biking'));
  });
});

describe('stop words', () => {
  it('covers function words but not counts or colours', () => {
    expect(isStopWord('the')).toBe(true);
    expect(isStopWord('in')).toBe(true);
    expect(isStopWord('two')).toBe(false);
    expect(isStopWord('red')).toBe(false);
  });
});
