// Near-duplicate photos: a perceptual hash per photo (and per window of it) and the grouping.
export * from './phash.ts';
export * from './groups.ts';
