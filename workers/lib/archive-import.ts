// Importing a library file: everything checked first (nothing written until the whole file has
// passed), then merged by SHA-256 in short batches, each one transaction (a photo is wholly there
// or absent after a cancel, a crash or a full disk). Vectors of the chosen models are reused as
// they are, so no model is needed; photos described by other models are imported only once the
// person agrees, and then wait for their re-analysis (the page starts it) from their thumbnails.
import { LibraryFile, type CheckedPhoto, type LibraryChunk } from '../../src/archive/library-reader';
import { storedRow, type ModelRef } from '../../src/core/archive/index';
import { AbortError, throwIfAborted } from '../../src/core/errors';
import { knownShas } from '../../src/storage/archive-store';
import type { Library } from './library';
import type { ImportItem } from './library-rows';

/** The models the person chose (Settings → Models); vectors are reused when these made them. */
export interface ImportWant {
  captioner: string;
  embedder: string;
}

export interface ImportPlan {
  fileName: string;
  photos: number;
  /** Photos the library does not hold yet. */
  fresh: number;
  created: string;
  appVersion: string;
  models: ModelRef[];
  /** New photos described by other models than the chosen ones (they need a re-analysis to be found by meaning). */
  otherModels: number;
}

export interface ImportProgress {
  /** 'fetching': a pack being read whole before its import (pack-import.ts). */
  phase: 'fetching' | 'checking' | 'importing';
  done: number;
  total: number;
  added: number;
}

export interface ImportResult {
  plan: ImportPlan;
  added: number;
  /** Already in the library (same SHA-256). */
  known: number;
  /** The person declined importing photos of other models: nothing was written. */
  declined: boolean;
  /** Photos that wait for a re-analysis with the chosen models. */
  toReanalyse: number;
}

export interface ImportOptions {
  want: ImportWant;
  /** The revision of a model id in this app's models/manifest.json. */
  revisionOf: (id: string) => string;
  /** Asked only when new photos were described by other models; false imports nothing. */
  confirm: (plan: ImportPlan) => Promise<boolean>;
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
  /** Photos per transaction. */
  batch?: number;
}

const BATCH = 256;

export async function importLibraryFile(library: Library, file: Blob, fileName: string, o: ImportOptions): Promise<ImportResult> {
  const lib = await LibraryFile.open(file, fileName, o.signal);
  const { manifest } = lib;
  const total = manifest.counts.photos;
  const isCurrent = (m: ModelRef): boolean => m.id === (m.role === 'embedder' ? o.want.embedder : o.want.captioner) && m.revision === o.revisionOf(m.id);

  // 1. Everything checked, nothing written.
  const photos = await lib.validate((p) => o.onProgress?.({ phase: 'checking', done: p.photos, total, added: 0 }), o.signal);
  const known = new Set<string>();
  for (let i = 0; i < photos.length; i += 1000) for (const sha of await knownShas(library.db, photos.slice(i, i + 1000).map((p) => p.sha256))) known.add(sha);
  const other = (p: CheckedPhoto): boolean => !isCurrent(p.text) || !isCurrent(p.visual);
  const plan: ImportPlan = {
    fileName,
    photos: total,
    fresh: photos.filter((p) => !known.has(p.sha256)).length,
    created: manifest.created,
    appVersion: manifest.app.version,
    models: manifest.models,
    otherModels: photos.filter((p) => !known.has(p.sha256) && other(p)).length,
  };
  if (plan.otherModels > 0 && !(await o.confirm(plan))) return { plan, added: 0, known: total - plan.fresh, declined: true, toReanalyse: 0 };
  throwIfAborted(o.signal);

  // 2. Merged in batches; each chunk is read and checked again as it is written.
  let added = 0, skipped = 0;
  const seen = new Set<string>();
  for (let i = 0; i < manifest.chunks.length; i++) {
    const chunk = await lib.chunk(i, seen, o.signal);
    const wanted = chunk.photos.map((_, j) => j).filter((j) => !known.has(chunk.photos[j]!.sha256));
    skipped += chunk.photos.length - wanted.length;
    const size = o.batch ?? BATCH;
    for (let k = 0; k < wanted.length; k += size) {
      if (o.signal?.aborted) throw new AbortError();
      const part = wanted.slice(k, k + size);
      const first = manifest.chunks[i]!.first;
      const thumbs = await lib.thumbs(i, part.map((j) => chunk.photos[j]!), part.map((j) => first + j), o.signal);
      const r = await library.importBatch(part.map((j, k) => importItem(chunk, j, thumbs[k]!, isCurrent)));
      added += r.ids.length;
      skipped += r.known;
      o.onProgress?.({ phase: 'importing', done: manifest.chunks[i]!.first + part.at(-1)! + 1, total, added });
    }
    o.onProgress?.({ phase: 'importing', done: manifest.chunks[i]!.first + chunk.photos.length, total, added });
  }
  return { plan, added, known: skipped, declined: false, toReanalyse: plan.otherModels };
}

function importItem(chunk: LibraryChunk, j: number, thumb: Uint8Array, isCurrent: (m: ModelRef) => boolean): ImportItem {
  const p = chunk.photos[j]!;
  const v = chunk.vectors[j]!;
  const text = storedRow(v.text.rows, v.text.row), visual = storedRow(v.visual.rows, v.visual.row);
  const { thumb: _t, original: _o, ...row } = p;
  return {
    // The stale count reads captionsAsked: a record without it asked for the captions it has.
    row: { ...row, record: { ...p.record, captionsAsked: p.record.captionsAsked ?? p.record.captions.length } },
    thumb: new Blob([thumb as Uint8Array<ArrayBuffer>], { type: p.thumb.type }),
    vectors: { text: text.codes, textScale: text.scale, visual: visual.codes, visualScale: visual.scale },
    text: { codes: text.codes, unitScale: text.unitScale, current: isCurrent(v.text.model) },
    visual: { codes: visual.codes, unitScale: visual.unitScale, current: isCurrent(v.visual.model) },
  };
}
