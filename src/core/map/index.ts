// The photo map: nearest-neighbour graph → UMAP layout, new photos placed near their neighbours,
// and labelled groups.
export * from './graph.ts';
export * from './layout.ts';
export * from './place.ts';
export * from './clusters.ts';
