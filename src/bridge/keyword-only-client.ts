// Asks the analysis worker why the last text search ran by keywords only (the models could not load).
import type { KeywordOnlyReason } from '../../workers/lib/keyword-only';
import { analysis } from './analysis-client';

/** The model error behind the last keyword-only search (name + message), undefined if it had vectors. */
export function keywordOnlyReason(): Promise<KeywordOnlyReason | undefined> {
  return analysis.call(undefined, (r) => r.keywordOnly());
}

export type { KeywordOnlyReason };
