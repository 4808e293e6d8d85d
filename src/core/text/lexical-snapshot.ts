// Plain-JSON snapshot of a lexical index: options plus each image's analysed
// text. Postings are rebuilt on load (cheap: no NLP runs), which keeps the stored
// form small and independent of index internals.
import { GlimpseError } from '../errors.ts';
import { LexicalIndex } from './lexical-index.ts';
import type { DocData, LexicalOptions } from './lexical-types.ts';
import type { Triplet } from './triplets.ts';

/** Bump when analysis (tokens, lemmas, keys) changes: old snapshots must be rebuilt from records. */
export const LEXICAL_SNAPSHOT_VERSION = 1;

export interface LexicalSnapshot {
  readonly format: 'glimpse-lexical';
  readonly version: number;
  readonly options: LexicalOptions;
  /** [image id, captions (analysed words), tags, triplets as [s, r, o]] */
  readonly docs: readonly (readonly [
    number,
    readonly (readonly string[])[],
    readonly string[],
    readonly (readonly [string, string, string])[],
  ])[];
}

export function toSnapshot(index: LexicalIndex): LexicalSnapshot {
  const docs = index.ids().map((id) => {
    const d = index.docData(id) as DocData;
    return [id, d.captions, d.tags, d.triplets.map((t) => [t.s, t.r, t.o] as const)] as const;
  });
  return { format: 'glimpse-lexical', version: LEXICAL_SNAPSHOT_VERSION, options: index.options, docs };
}

/** Throws GlimpseError('StaleIndexError') for another format/version: rebuild from records. */
export function fromSnapshot(snapshot: unknown): LexicalIndex {
  const s = snapshot as Partial<LexicalSnapshot> | null;
  if (s?.format !== 'glimpse-lexical' || s.version !== LEXICAL_SNAPSHOT_VERSION || !s.options || !Array.isArray(s.docs)) {
    throw new GlimpseError('StaleIndexError', 'Lexical index snapshot is missing or from another version; rebuild it from the records.');
  }
  const index = new LexicalIndex(s.options);
  for (const [id, captions, tags, triplets] of s.docs as LexicalSnapshot['docs']) {
    const ts: Triplet[] = triplets.map(([a, r, o]) => ({ s: a, r, o }));
    index.addAnalysed(id, { captions, tags, triplets: ts });
  }
  return index;
}
