// Caption/query tokeniser. Captions are short, lower-stakes English; we keep it
// deliberately simple and context-free so documents and queries always agree.

// Compact word table, kept dense on purpose.
// prettier-ignore
const DIGIT_WORDS: Readonly<Record<string, string>> = {
  '0': 'zero', '1': 'one', '2': 'two', '3': 'three', '4': 'four', '5': 'five', '6': 'six', '7': 'seven',
  '8': 'eight', '9': 'nine', '10': 'ten', '11': 'eleven', '12': 'twelve',
};

// British/American spelling drifts between annotators; fold to one form.
// Compact word table, kept dense on purpose.
// prettier-ignore
const SPELLING: Readonly<Record<string, string>> = {
  colour: 'color', colours: 'colors', coloured: 'colored', colourful: 'colorful', grey: 'gray',
  greyish: 'grayish', favourite: 'favorite', theatre: 'theater', centre: 'center', jewellery: 'jewelry',
  pyjamas: 'pajamas', tyre: 'tire', tyres: 'tires', aeroplane: 'airplane', aeroplanes: 'airplanes',
  whilst: 'while', blonde: 'blond', doggie: 'doggy', tshirt: 't-shirt', tshirts: 't-shirts',
  teeshirt: 't-shirt',
};

/** Lower-cases, folds spelling variants and digits; keeps hyphenated words whole. */
export function normalizeWord(raw: string): string {
  const w = raw
    .toLowerCase()
    .replace(/[\u2019']s$/u, '')
    .replace(/[\u2019']/gu, '');
  return DIGIT_WORDS[w] ?? SPELLING[w] ?? w;
}

/**
 * Splits text into normalised word tokens. Hyphenated words are split into their
 * parts ("light-up" -> light, up) because annotators write both "t-shirt" and
 * "t shirt"; single letters left over (the "t") are dropped.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const words = text.toLowerCase().match(/[a-z0-9\u00c0-\u024f]+(?:['\u2019-][a-z0-9\u00c0-\u024f]+)*/gu);
  if (!words) return out;
  for (const raw of words) {
    const norm = normalizeWord(raw);
    for (const part of norm.split('-')) {
      if (part.length > 1 || /[0-9]/u.test(part)) out.push(normalizeWord(part));
    }
  }
  return out;
}
