// The near-duplicate threshold the person picked (Settings), in bits of perceptual-hash distance.
import { DEFAULT_SIMILAR_THRESHOLD } from '../core/similar';

const KEY = 'glimpse.similar';

export { DEFAULT_SIMILAR_THRESHOLD };

export function similarThreshold(): number {
  const saved = Number(localStorage.getItem(KEY));
  return Number.isInteger(saved) && saved >= 0 && saved <= 32 && localStorage.getItem(KEY) !== null ? saved : DEFAULT_SIMILAR_THRESHOLD;
}

export function saveSimilarThreshold(bits: number): void {
  localStorage.setItem(KEY, String(Math.round(bits)));
}
