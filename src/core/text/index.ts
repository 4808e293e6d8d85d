// Public surface of the text side (no model needed): records, lexical index, fusion.
export { ANALYTICS_RECORD_VERSION, buildRecord, isCurrentRecord, type AnalyticsRecord, type ModelIds } from './record.ts';
export type { Triplet } from './triplets.ts';
export { extractCaption, extractCaptions, type CaptionFacts } from './extract.ts';
export { tokenize } from './tokenize.ts';
export { lemmatize, termKey, keyOf } from './lemmatize.ts';
export { isStopWord } from './stopwords.ts';
export { expandKey, relationOf, type Relation } from './synonyms.ts';
export { LexicalIndex } from './lexical-index.ts';
export { analyzeQuery, type LexicalQuery } from './query.ts';
export { BM25_OPTIONS, FULL_OPTIONS, type LexicalHit, type LexicalOptions, type MatchReason, type SearchOptions } from './lexical-types.ts';
export { fromSnapshot, toSnapshot, LEXICAL_SNAPSHOT_VERSION, type LexicalSnapshot } from './lexical-snapshot.ts';
export { reciprocalRankFusion, weightedScoreFusion, type FusedHit, type Ranked } from './fusion.ts';
