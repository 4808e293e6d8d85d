// Why the last text search ran without its vector side. Search falls back to the lexical index
// when the models cannot load (offline, cache cleared, hub off); the page asks for this reason
// after each text search, so the person is told instead of silently getting keyword results.
import { isNamedError } from '../../src/core/errors';

/** The model error as comlink can carry it: name tells the kind, message names the model and the fix. */
export interface KeywordOnlyReason {
  name: string;
  message: string;
}

let reason: KeywordOnlyReason | undefined;

/**
 * Watches the model load of a text search and returns it unchanged: a failure is recorded as the
 * reason, a success clears it. A cancelled load says nothing about the models and changes nothing.
 */
export function watchVectorSide<T>(load: Promise<T>): Promise<T> {
  load.then(
    () => (reason = undefined),
    (e: unknown) => {
      if (isNamedError(e, 'AbortError')) return;
      const name = e instanceof Error ? e.name : 'Error';
      reason = { name, message: e instanceof Error ? e.message : String(e) };
    },
  );
  return load;
}

/** The reason the last text search was keyword-only, undefined when it had its vector side. */
export function keywordOnlyReason(): KeywordOnlyReason | undefined {
  return reason;
}
