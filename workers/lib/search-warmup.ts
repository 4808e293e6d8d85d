// Cold start: the embedder's ONNX session takes seconds to start, and so does reading a large
// library (lexical snapshot, forests). Started one after the other, the first search waits for
// both; started together when the library opens, it waits for the longer one only.
// Startup marks (performance.mark in this worker) show where cold-start time goes: the test hook
// `startupTrace` and the benchmarks read them.

const PREFIX = 'glimpse:';

export type StartupMark =
  | 'open'
  | 'library-start'
  | 'library-ready'
  | 'embedder-start'
  | 'embedder-ready'
  | 'embedder-failed'
  | 'embedder-skipped'
  | 'db-open'
  | 'lexical-loaded'
  | 'text-forest-open'
  | 'search-start'
  | 'vector-ready'
  | 'lexical-ready'
  | 'search-done'
  | 'ml-loaded'
  | 'forest-searched'
  | 'vectors-warm'
  | 'lexical-warm';

export function markStartup(name: StartupMark): void {
  performance.mark(PREFIX + name);
}

const marked = new Set<StartupMark>();

/** Marks only the first time (the first search's steps; later searches leave no marks to pile up). */
export function markFirst(name: StartupMark): void {
  if (marked.has(name)) return;
  marked.add(name);
  markStartup(name);
}

/** The startup marks so far, in order, with their time since the worker started (ms). */
export function startupTrace(): { name: StartupMark; at: number }[] {
  return performance
    .getEntriesByType('mark')
    .filter((m) => m.name.startsWith(PREFIX))
    .map((m) => ({ name: m.name.slice(PREFIX.length) as StartupMark, at: m.startTime }));
}

/** Marks the start and the end of the library's read. */
export function tracedLibrary<T>(open: () => Promise<T>): Promise<T> {
  markStartup('library-start');
  const opening = open();
  opening.then(
    () => markStartup('library-ready'),
    () => undefined,
  );
  return opening;
}

/**
 * Starts the embedder beside the library read when the library has photos to search (an empty
 * one may be a first visit whose models are not downloaded yet: nothing is fetched unasked).
 * `count` is one quick count request, not the library's full read. Never rejects: a failure is
 * left for the search to report (keyword-only notice).
 */
export async function warmEmbedder(count: () => Promise<number>, load: () => Promise<unknown>): Promise<void> {
  const photos = await count().catch(() => 0);
  if (photos === 0) return markStartup('embedder-skipped');
  markStartup('embedder-start');
  await load().then(
    () => markStartup('embedder-ready'),
    () => markStartup('embedder-failed'),
  );
}
