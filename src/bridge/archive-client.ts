// Export and import of the library as one `.glimpse` file, run by the analysis worker. The page's
// part: the save picker (it needs the click), and where there is none, downloading the temporary
// file the worker wrote to the origin private file system (a disk-backed File, never a Blob
// assembled in memory).
import * as Comlink from 'comlink';
import type { ExportProgress, ExportResult, ImportPlan, ImportProgress, ImportResult } from '../../workers/analysis.worker';
import { analysis, modelConfig } from './analysis-client';

export type { ExportProgress, ExportResult, ImportPlan, ImportProgress, ImportResult };

type SavePicker = (o: { suggestedName: string; types: { description: string; accept: Record<string, string[]> }[] }) => Promise<FileSystemFileHandle>;

export const hasSavePicker = (): boolean => 'showSaveFilePicker' in window;

/** A file name for today's export. */
export function exportFileName(now = new Date()): string {
  return `glimpse-library-${now.toISOString().slice(0, 10)}.glimpse`;
}

export interface ExportOutcome extends ExportResult {
  /** The name the file was saved (or downloaded) under. */
  savedAs: string;
  how: 'picker' | 'download';
}

/**
 * Asks where to save (showSaveFilePicker; call it straight from the click), then has the worker
 * stream the library into that file. Without a save picker the worker streams it into a
 * temporary file on disk, which is then downloaded. Rejects with AbortError when the picker is
 * dismissed or `signal` fires.
 */
export async function exportLibraryFile(options: { originals: boolean }, onProgress?: (p: ExportProgress) => void, signal?: AbortSignal): Promise<ExportOutcome> {
  const name = exportFileName();
  const progress = onProgress && Comlink.proxy(onProgress);
  if (hasSavePicker()) {
    const picker = (window as unknown as { showSaveFilePicker: SavePicker }).showSaveFilePicker;
    const handle = await picker({ suggestedName: name, types: [{ description: 'Glimpse library', accept: { 'application/vnd.glimpse.library+zip': ['.glimpse'] } }] });
    const result = await analysis.call(signal, (r, id) => r.exportLibrary(id, { kind: 'handle', handle }, options, progress), { settle: true });
    return { ...result, savedAs: handle.name, how: 'picker' };
  }
  const result = await analysis.call(signal, (r, id) => r.exportLibrary(id, { kind: 'temp', name }, options, progress), { settle: true });
  const root = await navigator.storage.getDirectory();
  const file = await (await root.getFileHandle(result.tempFile!)).getFile();
  const url = URL.createObjectURL(file);
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  // The download reads the file after the click returns; the next export removes the file itself.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { ...result, savedAs: name, how: 'download' };
}

/** How many originals an export could include, and their size (reading them already allowed). */
export function originalsOnOffer(): Promise<{ count: number; bytes: number }> {
  return analysis.call(undefined, (r) => r.originalsOnOffer());
}

/**
 * Checks `file` whole, then merges it into the library. `confirm` is asked (with the plan) only
 * when new photos were described by other models than the chosen ones. A cancel answers once the
 * worker has stopped: photos written by then stay, each one whole.
 */
export function importLibraryFile(file: File, confirm: (plan: ImportPlan) => Promise<boolean>, onProgress?: (p: ImportProgress) => void, signal?: AbortSignal): Promise<ImportResult> {
  const c = modelConfig();
  const want = { captioner: c.captionerId, embedder: c.embedderId };
  return analysis.call(signal, (r, id) => r.importLibrary(id, file, file.name, want, Comlink.proxy(confirm), onProgress && Comlink.proxy(onProgress)), { settle: true });
}

/** True for a file that looks like a library file (by name: its bytes are checked by the import). */
export const isLibraryFile = (f: File): boolean => /\.glimpse$/i.test(f.name);
