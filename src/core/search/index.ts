// Public surface of search: fusing text rankings, ranking similar images, explaining hits.
export type { MatchKind, MatchSummary, SearchHit } from './types.ts';
export { DEFAULT_TEXT_SEARCH, fuseTextSearch, type TextSearchOptions } from './text-search.ts';
export { DEFAULT_IMAGE_SEARCH, rankSimilar, type ImageSearchOptions } from './image-search.ts';
export { describeMatch } from './explain.ts';
