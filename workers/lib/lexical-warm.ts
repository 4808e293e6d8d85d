// After a text search the lexical index's kept posting scores are filled in the background
// (LexicalIndex.warmImpacts), longest lists first, so the next queries find the words most photos
// share already scored. Small steps, one task each, so a keystroke's search waits for one at most.
import type { LexicalIndex } from '../../src/core/text';
import { markFirst } from './search-warmup';

/** Postings scored a step: one task (npm run bench:lexical: 13 steps, 30.7 ms in all at 100,000 photos in Node). */
const STEP_POSTINGS = 65_536;

export class LexicalWarmer {
  private running = false;

  /** Starts a pass over `index` unless one is running (a finished one for the same documents ends at once). */
  start(index: LexicalIndex): void {
    if (this.running) return;
    this.running = true;
    const step = index.warmImpacts();
    const next = (): void => {
      let more = false;
      try {
        more = step(STEP_POSTINGS);
      } finally {
        if (more) setTimeout(next, 0);
        else {
          this.running = false;
          markFirst('lexical-warm'); // bench:pipeline prints the marks
        }
      }
    };
    setTimeout(next, 0);
  }
}
