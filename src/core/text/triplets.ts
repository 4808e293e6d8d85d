// (subject, relation, object) extraction from chunks. Heuristic and caption-shaped:
// the first noun phrase of a clause is its subject; a verb takes the next noun
// phrase (directly or through a preposition); prepositions before any verb attach
// to the previous noun ("man in shirt"); adjectives give (noun, is, adjective).
import type { Chunk, NounPhrase } from './chunk.ts';
import { keyOf } from './lemmatize.ts';
import { isA } from './synonyms.ts';

export interface Triplet {
  readonly s: string;
  readonly r: string;
  readonly o: string; // '' for intransitive verbs ("dog, run, ")
}

// "a group of people" is about the people; "the side of the road" is about the road.
export const CONTAINER_NOUNS = new Set(
  `group crowd pair couple bunch team herd flock lot number line row pack set pile
   top side edge front middle bottom back end corner center base surface part`.split(/\s+/u),
);
const CLAUSE_CONJ = new Set(['while', 'as', 'when', 'where', 'because', 'but', 'so', 'then', 'whilst']);
const RELATIVE = new Set(['who', 'that', 'which']);
const WEAR_PREPS = new Set(['in', 'with', 'dress in', 'wear']);

/** Folds "NOUN of NP" containers into the NP they contain. */
function foldContainers(chunks: readonly Chunk[]): Chunk[] {
  const out: Chunk[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i] as Chunk;
    const next = chunks[i + 1];
    if (c.kind === 'np' && CONTAINER_NOUNS.has(c.head) && next?.kind === 'prep' && next.word === 'of' && chunks[i + 2]?.kind === 'np') {
      continue; // skip container and let "of" be dropped below
    }
    if (c.kind === 'prep' && c.word === 'of' && out[out.length - 1]?.kind !== 'np' && chunks[i + 1]?.kind === 'np') continue;
    out.push(c);
  }
  return out;
}

/** Does a new clause start at i (NP followed by a verb)? */
function startsClause(chunks: readonly Chunk[], i: number): boolean {
  const a = chunks[i];
  const b = chunks[i + 1];
  return (a?.kind === 'np' || a?.kind === 'pron') && b?.kind === 'vp';
}

export function tripletsFromChunks(input: readonly Chunk[]): Triplet[] {
  const chunks = foldContainers(input);
  const out: Triplet[] = [];
  const emit = (s: string, r: string, o: string): void => {
    const rel = o !== '' && WEAR_PREPS.has(r) && isA(keyOf(o), 'clothing') ? 'wear' : r;
    out.push({ s, r: rel, o });
  };
  let subjects: string[] = [];
  let prevSubjects: string[] = [];
  let verb: { name: string; copula: boolean; used: boolean; preps: number } | undefined;
  let last: NounPhrase | undefined;
  let prep: string | undefined;
  let coord: { rel: string; subjects: string[] } | 'subject' | undefined;
  let pendingAnd = false;

  const closeVerb = (): void => {
    if (verb && !verb.used && !verb.copula) for (const s of subjects) emit(s, verb.name, '');
    verb = undefined;
  };
  const newClause = (): void => {
    closeVerb();
    if (subjects.length > 0) prevSubjects = subjects;
    subjects = [];
    last = undefined;
    prep = undefined;
    coord = undefined;
  };

  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i] as Chunk;
    if (c.kind === 'np') {
      for (const a of c.adjectives) emit(c.head, 'is', a);
      if (pendingAnd && coord === 'subject') subjects.push(c.head);
      else if (pendingAnd && coord !== undefined && coord !== 'subject') for (const s of coord.subjects) emit(s, coord.rel, c.head);
      else if (prep !== undefined) {
        if (verb && !verb.copula && !verb.used && verb.preps === 0) {
          coord = { rel: `${verb.name} ${prep}`, subjects };
          for (const s of subjects) emit(s, coord.rel, c.head);
          verb.preps += 1;
          verb.used = true;
        } else if (verb && prep === 'with') {
          coord = { rel: prep, subjects };
          for (const s of subjects) emit(s, prep, c.head);
        } else if (last) {
          coord = { rel: prep, subjects: [last.head] };
          emit(last.head, prep, c.head);
        } else if (verb?.copula) for (const s of subjects) emit(s, prep, c.head);
      } else if (verb && !verb.copula && !verb.used) {
        coord = { rel: verb.name, subjects };
        for (const s of subjects) emit(s, verb.name, c.head);
        verb.used = true;
      } else if (subjects.length === 0) {
        subjects = [c.head];
        coord = 'subject';
      }
      prep = undefined;
      pendingAnd = false;
      last = c;
    } else if (c.kind === 'vp') {
      if (verb && !pendingAnd && verb.used && subjects.length === 0) newClause();
      closeVerb();
      if (subjects.length === 0 && prevSubjects.length > 0 && chunks[i - 1]?.kind === 'pron') subjects = prevSubjects;
      verb = { name: c.verb, copula: c.copula, used: false, preps: 0 };
      prep = undefined;
      pendingAnd = false;
      coord = undefined;
    } else if (c.kind === 'prep') {
      if (chunks[i + 1]?.kind === 'np') prep = c.word;
      else if (verb && !verb.copula && !verb.used && c.word.split(' ').length === 1) verb.name += ` ${c.word}`; // "sit down"
    } else if (c.kind === 'adj') {
      if (verb?.copula) for (const s of subjects) emit(s, 'is', c.word);
    } else if (c.kind === 'conj' || c.kind === 'edge') {
      const word = c.kind === 'conj' ? c.word : ',';
      // "and a man watches" opens a clause only once this clause has its verb;
      // before that it coordinates ("a man in a shirt and sunglasses is riding").
      if (CLAUSE_CONJ.has(word) || (word === ',' && startsClause(chunks, i + 1)) || (word === 'and' && verb && startsClause(chunks, i + 1)))
        newClause();
      else if (word === 'and') pendingAnd = true;
    } else if (c.kind === 'pron' && RELATIVE.has(c.word) && last) {
      closeVerb();
      subjects = [last.head];
    }
  }
  closeVerb();
  return out;
}
