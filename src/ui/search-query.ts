// Runs one query (text, a photo, or "more like this") for the results view.
import { fillResults, search, searchByImage, similarTo, type ResultRow } from '../bridge/bridge';

export type ImageQuery = { kind: 'file'; file: File } | { kind: 'similar'; id: number; name: string };

export const imageQueryLabel = (q: ImageQuery): string => (q.kind === 'file' ? q.file.name : q.name);

/** `onPreview`: a text search's keyword results, when its answer is slow to come (shown until it does). */
export function runQuery(text: string, image: ImageQuery | undefined, signal: AbortSignal | undefined, onPreview?: (rows: ResultRow[]) => void): Promise<ResultRow[]> {
  if (image?.kind === 'file') return searchByImage(image.file, 60, signal);
  if (image?.kind === 'similar') return similarTo(image.id, 60, signal);
  return search(text, 60, signal, onPreview);
}

/** Rows for results left pending (beyond the first screenful) of the text query `text`. */
export function fillPending(text: string, ids: number[]): Promise<ResultRow[]> {
  return fillResults(text, ids);
}
