// Query-triplet vs record-triplet scoring. Measured on a tuning split: (s, r, o)
// matches separate the target from look-alikes once a record has a few captions;
// attribute matches ("dog is black") did not, but a colour *conflict* (query "black
// dog", record only "white dog") did, so attributes only ever cost, never add.
import { isColor } from './colors.ts';
import { keyOf } from './lemmatize.ts';
import type { LexicalOptions } from './lexical-types.ts';
import { relationOf } from './synonyms.ts';
import type { Triplet } from './triplets.ts';

function termSim(a: string, b: string, opts: LexicalOptions): number {
  if (a === '' || b === '') return 0;
  const rel = relationOf(keyOf(a), keyOf(b));
  return rel === undefined ? 0 : rel === 'exact' ? 1 : opts.expansion[rel];
}

/**
 * 1 for the same relation; 0.75 for a related verb ("ride on" vs "ride"); 0.5 when
 * only the preposition agrees ("in" vs "play in"); 0 otherwise.
 */
function relationSim(a: string, b: string, opts: LexicalOptions): number {
  if (a === b) return 1;
  const wa = a.split(' ');
  const wb = b.split(' ');
  if (termSim(wa[0] as string, wb[0] as string, opts) > 0) return 0.75;
  return wa[wa.length - 1] === wb[wb.length - 1] ? 0.5 : 0;
}

/** True for a (subject, relation, object) triplet, as opposed to attributes and intransitives. */
export function isRelational(t: Triplet): boolean {
  return t.r !== 'is' && t.o !== '';
}

/**
 * Subject and object must both match (with synonym weights); the relation scales
 * the score from 0.5 to 1 because caption relations are noisy ("sits on" / "on").
 */
export function tripletSim(q: Triplet, d: Triplet, opts: LexicalOptions): number {
  if (!isRelational(q) || !isRelational(d)) return 0;
  const s = termSim(q.s, d.s, opts);
  const o = s === 0 ? 0 : termSim(q.o, d.o, opts);
  return o === 0 ? 0 : s * o * (0.5 + 0.5 * relationSim(q.r, d.r, opts));
}

/** Best match of `q` among `doc`, or undefined if nothing matches. */
export function bestTripletMatch(q: Triplet, doc: readonly Triplet[], opts: LexicalOptions): { matched: Triplet; sim: number } | undefined {
  let best: { matched: Triplet; sim: number } | undefined;
  for (const d of doc) {
    const sim = tripletSim(q, d, opts);
    if (sim > 0 && (!best || sim > best.sim)) best = { matched: d, sim };
  }
  return best;
}

/**
 * A record colour that contradicts a query colour on the same (or related) noun,
 * when the record gives that noun no matching colour. Returns the record triplet.
 */
export function colorConflict(q: Triplet, doc: readonly Triplet[], opts: LexicalOptions): Triplet | undefined {
  if (q.r !== 'is' || !isColor(q.o)) return undefined;
  const same = doc.filter((d) => d.r === 'is' && isColor(d.o) && termSim(q.s, d.s, opts) > 0);
  if (same.length === 0 || same.some((d) => termSim(q.o, d.o, opts) > 0)) return undefined;
  return same[0];
}
