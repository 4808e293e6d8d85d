// Adapter over `compromise` (plain JS, no DOM/Node use, so it typechecks in core).
// compromise only supplies part-of-speech tags; lemmas come from our lemmatiser so
// triplet words share keys with caption and query terms.
import nlp from 'compromise/two';
import { lemmatize } from './lemmatize.ts';
import { normalizeWord } from './tokenize.ts';

export type Pos = 'det' | 'num' | 'adj' | 'noun' | 'pron' | 'verb' | 'aux' | 'prep' | 'conj' | 'adv' | 'punct' | 'other';

export interface PosToken {
  readonly word: string;
  readonly lemma: string;
  readonly pos: Pos;
}

interface JsonTerm {
  text: string;
  normal?: string;
  tags?: string[];
  post?: string;
}

// compromise tags "over"/"through"/"near" as Adjective or Particle in verb phrases;
// in captions they are almost always spatial prepositions.
const PREPOSITIONS = new Set(
  `in on at over under through across along into onto near by with from behind beside between
  around past toward towards down up off of for against above below beneath inside outside
  among underneath atop upon alongside amid beyond during without like after`.split(/\s+/u),
);

// Clause openers compromise sometimes tags as prepositions ("as it runs").
const CLAUSE_WORDS = new Set(['as', 'while', 'whilst', 'when']);

function classify(word: string, tags: ReadonlySet<string>): Pos {
  if (CLAUSE_WORDS.has(word)) return 'conj';
  if (tags.has('Copula') || tags.has('Auxiliary') || tags.has('Modal')) return 'aux';
  if (PREPOSITIONS.has(word) && !tags.has('Noun') && !tags.has('Conjunction')) return 'prep';
  if (tags.has('Pronoun')) return 'pron';
  if (tags.has('Determiner')) return 'det';
  if (tags.has('Value')) return 'num';
  if (tags.has('Conjunction')) return 'conj';
  if (tags.has('Preposition')) return 'prep';
  if (tags.has('Verb') && !tags.has('Particle')) return 'verb';
  if (tags.has('Adjective')) return 'adj';
  if (tags.has('Noun')) return 'noun';
  if (tags.has('Adverb') || tags.has('Particle')) return 'adv';
  return 'other';
}

/** Tags a caption. Punctuation after a word becomes its own 'punct' token (clause edge). */
export function tagCaption(text: string): PosToken[] {
  const out: PosToken[] = [];
  const sentences = nlp(text).json({ terms: { tags: true, normal: true }, text: false }) as { terms: JsonTerm[] }[];
  for (const sentence of sentences) {
    for (const t of sentence.terms) {
      const raw = (t.normal ?? t.text).trim();
      if (!/[a-z0-9]/iu.test(raw)) {
        out.push({ word: ',', lemma: ',', pos: 'punct' });
        continue;
      }
      const parts = raw
        .split(/[\s-]+/u)
        .map(normalizeWord)
        .filter((p, _, all) => all.length === 1 || p.length > 1);
      const pos = classify(parts[parts.length - 1] ?? '', new Set(t.tags ?? []));
      for (const word of parts) {
        const hint = pos === 'noun' ? 'noun' : pos === 'verb' ? 'verb' : 'any';
        out.push({ word, lemma: pos === 'adj' || pos === 'prep' ? word : lemmatize(word, hint), pos });
      }
      if (/[,;:.!?]/u.test(t.post ?? '')) out.push({ word: ',', lemma: ',', pos: 'punct' });
    }
  }
  return fixGerunds(out);
}

// compromise often tags a participle right after a noun as a noun ("a man riding a
// bike", "children playing in sand"): a noun-tagged -ing word after a noun is re-read
// as a verb ("the building" is untouched). A past participle between a determiner or
// adjective and a noun is an adjective ("a paved courtyard").
function fixGerunds(tokens: PosToken[]): PosToken[] {
  return tokens.map((t, i) => {
    const prev = tokens[i - 1]?.pos;
    if (t.pos === 'noun' && t.word.endsWith('ing') && prev === 'noun') {
      return { word: t.word, lemma: lemmatize(t.word, 'verb'), pos: 'verb' };
    }
    if (t.pos === 'verb' && t.word.endsWith('ed') && (prev === 'det' || prev === 'adj') && tokens[i + 1]?.pos === 'noun') {
      return { word: t.word, lemma: t.word, pos: 'adj' };
    }
    return t;
  });
}
