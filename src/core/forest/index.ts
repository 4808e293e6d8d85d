// Public surface of the forest (Annoy-style ANN index on a BlockStore).
export { buildForest, type BuildControl, type BuildInput, type BuildReport, type ForestBuildOptions } from './build.ts';
export { Forest, DEFAULT_SEARCH_K, type OpenOptions, type SearchOptions } from './forest.ts';
export type { SearchHit, SearchTrace } from './search.ts';
export type { BlockStore, BlockWrite, PrefixRead } from './store.ts';
export { MemoryBlockStore } from './memory-store.ts';
export { adviseMaintenance, vectorRoomBytes, type MaintenanceAdvice } from './policy.ts';
export type { ForestMeta, SplitMethod } from './meta-codec.ts';
export * from './errors.ts';
export { buildTreeBlocks, type TreeBlocks, type TreeJob } from './tree-blocks.ts';
export { leafRowsBlocks } from './leaf-rows.ts';
export { encodeLeafRows, decodeLeafRows } from './leaf-rows-codec.ts';
