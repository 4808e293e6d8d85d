// Where each model file of a load will come from (transformers.js's cache, the app's models/
// folder, a picked folder, or the hub), so the page can say how much a first visit downloads and
// ask first. The browser keeps each file once: in transformers.js's own Cache Storage cache
// (`env.cacheKey`), under the hub URL or the models/ path. The service worker keeps no copy.
import { env } from '@huggingface/transformers';
import type { ModelEntry } from '../core/models/manifest';
import type { FolderCache } from './folder-cache';

export type FileSource = 'cache' | 'local' | 'folder' | 'hub' | 'missing';

export interface PlannedFile {
  model: string;
  path: string;
  /** From the manifest: exact, or the published size of weights this app does not hold. */
  bytes: number;
  source: FileSource;
}

export interface DownloadPlan {
  files: PlannedFile[];
  /** What would come from the hub: the figure the person is asked about. */
  hubBytes: number;
  hubFiles: number;
}

export interface PlanOptions {
  localModelPath: string;
  allowHub: boolean;
  folder?: FolderCache;
}

/** Caches an earlier version's service worker filled with second copies of every model and ORT file. */
const LEGACY_CACHES = ['glimpse-models', 'glimpse-ort'];

/** The hub URL transformers.js fetches (and caches under) for a file of a model. */
export function hubUrl(entry: ModelEntry, file: string): string {
  const dir = env.remotePathTemplate.replaceAll('{model}', entry.id).replaceAll('{revision}', encodeURIComponent(entry.revision));
  return `${env.remoteHost.replace(/\/$/, '')}/${dir.replace(/^\/|\/$/g, '')}/${file}`;
}

/** The models/ URL transformers.js tries first (and caches under when the file is there). */
export function localUrl(localModelPath: string, entry: ModelEntry, file: string): string {
  return `${localModelPath.replace(/\/$/, '')}/${entry.id}/${file}`;
}

async function openCache(): Promise<Cache | undefined> {
  if (typeof caches === 'undefined') return undefined;
  try {
    return await caches.open(env.cacheKey);
  } catch {
    return undefined; // storage blocked (some private modes): nothing is cached
  }
}

/** Whether the app's own models/ folder serves this file (a static host may answer index.html for anything). */
async function servedLocally(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { method: 'HEAD', cache: 'no-store' });
    return res.ok && !(res.headers.get('content-type') ?? '').includes('text/html');
  } catch {
    return false;
  }
}

async function sourceOf(cache: Cache | undefined, entry: ModelEntry, file: string, opts: PlanOptions): Promise<FileSource> {
  const remote = hubUrl(entry, file);
  if (opts.folder && (await opts.folder.match(remote))) return 'folder';
  const local = localUrl(opts.localModelPath, entry, file);
  if (cache && ((await cache.match(remote)) || (await cache.match(local)))) return 'cache';
  if (await servedLocally(local)) return 'local';
  return opts.allowHub ? 'hub' : 'missing';
}

/** Where every manifest file of `entries` would come from, and the bytes the hub would send. */
export async function planDownload(entries: ModelEntry[], opts: PlanOptions): Promise<DownloadPlan> {
  const cache = await openCache();
  const files = await Promise.all(
    entries.flatMap((entry) =>
      entry.files.map(async (f): Promise<PlannedFile> => ({ model: entry.id, path: f.path, bytes: f.bytes ?? f.approxBytes ?? 0, source: await sourceOf(cache, entry, f.path, opts) })),
    ),
  );
  const hub = files.filter((f) => f.source === 'hub');
  return { files, hubBytes: hub.reduce((s, f) => s + f.bytes, 0), hubFiles: hub.length };
}

/** Deletes the second copies an earlier service worker kept (the files stay in transformers.js's cache). */
export async function dropLegacyCaches(): Promise<void> {
  if (typeof caches === 'undefined') return;
  await Promise.all(LEGACY_CACHES.map((name) => caches.delete(name).catch(() => false)));
}
