// The library's consistency check: image rows, thumbnails, stored vectors, both forests and the
// queue must tell the same story. checkLibrary reads one snapshot (one transaction) and streams
// each forest through it a step at a time, so its memory does not grow with the forests' blocks;
// the queued files are hashed once the transaction is over.
import { inspectSteps, type ForestIssueKind, type LiveEntry } from '../../src/core/forest/inspect';
import type { GlimpseDB } from '../../src/storage/db';
import { readLibrarySnapshot, type LibrarySnapshot, type SnapshotImage } from '../../src/storage/library-snapshot';
import { queueItem } from '../../src/storage/queue-store';

export type ProblemKind =
  | ForestIssueKind
  /** An image row without its thumbnail, or with an empty one. */
  | 'missing-thumb'
  /** An image row without its stored vectors. */
  | 'missing-vectors'
  /** A thumbnail, vector row or file handle whose image row is gone. */
  | 'orphan-thumb'
  | 'orphan-vectors'
  | 'orphan-handle'
  /** Two image rows with the same bytes (SHA-256). */
  | 'duplicate-sha'
  /** An image the forest does not hold: searches cannot find it. */
  | 'missing-from-forest'
  /** A forest entry with no image row. */
  | 'orphan-in-forest'
  /** The forest's copy of a vector differs from the vector store's. */
  | 'vector-mismatch'
  /** A queued file that is already in the library (it will be skipped as a duplicate). */
  | 'queued-already-indexed'
  /** A queued file whose bytes cannot be read. */
  | 'unreadable-queue-item';

export interface Problem {
  kind: ProblemKind;
  /** The image id (queue id for queue problems), when the problem is about one item. */
  id?: number;
  detail: string;
}

export interface CheckReport {
  problems: Problem[];
  counts: { images: number; thumbs: number; vectors: number; queue: number; text: number; visual: number };
}

/** The forests the library keeps, and which stored vector each holds. */
const FORESTS = [
  { name: 'text', vector: 'text', scale: 'textScale' },
  { name: 'visual', vector: 'visual', scale: 'visualScale' },
] as const;

/** Below this cosine the forest's int8 copy is not the stored vector (requantising alone stays above 0.999). */
const SAME_VECTOR = 0.99;

function cosine(a: Int8Array, b: Int8Array): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return aa && bb ? ab / Math.sqrt(aa * bb) : 0;
}

/** A problem of the rows and keys alone (no vectors, no forest blocks). */
function rowProblems(snap: LibrarySnapshot, label: (id: number) => string, images: ReadonlyMap<number, SnapshotImage>, problems: Problem[]): Map<string, number> {
  for (const r of snap.images) {
    const thumb = snap.thumbs.get(r.id);
    if (thumb === undefined) problems.push({ kind: 'missing-thumb', id: r.id, detail: `${label(r.id)} has no thumbnail` });
    else if (thumb === 0) problems.push({ kind: 'missing-thumb', id: r.id, detail: `${label(r.id)} has an empty thumbnail` });
    if (!snap.vectorIds.has(r.id)) problems.push({ kind: 'missing-vectors', id: r.id, detail: `${label(r.id)} has no stored vectors` });
  }
  for (const id of snap.thumbs.keys()) if (!images.has(id)) problems.push({ kind: 'orphan-thumb', id, detail: `thumbnail ${id} belongs to no image` });
  for (const id of snap.vectorIds) if (!images.has(id)) problems.push({ kind: 'orphan-vectors', id, detail: `vectors ${id} belong to no image` });
  for (const id of snap.handles) if (!images.has(id)) problems.push({ kind: 'orphan-handle', id, detail: `file handle ${id} belongs to no image` });

  const bySha = new Map<string, number>();
  for (const r of snap.images) {
    const first = bySha.get(r.sha256);
    if (first === undefined) bySha.set(r.sha256, r.id);
    else problems.push({ kind: 'duplicate-sha', id: r.id, detail: `${label(r.id)} has the same bytes as ${label(first)}` });
  }
  return bySha;
}

/**
 * One forest, streamed: its blocks a step at a time (inspectSteps), each step's live vectors
 * compared with the vector store's rows for the same ids, read alongside. Returns its live count.
 */
async function forestProblems(snap: LibrarySnapshot, f: (typeof FORESTS)[number], label: (id: number) => string, images: ReadonlyMap<number, SnapshotImage>, problems: Problem[]): Promise<number> {
  let pending: [number, LiveEntry][] = [];
  const steps = inspectSteps(await snap.forestKeys(f.name), (id, entry) => pending.push([id, entry]));
  const compare = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    const rows = await snap.vectors(batch.map(([id]) => id));
    batch.forEach(([id, entry], i) => {
      const stored = rows[i]?.[f.vector];
      if (!images.has(id) || !(stored instanceof Int8Array)) return; // an orphan, or reported as missing-vectors
      if (stored.length !== entry.codes.length) problems.push({ kind: 'vector-mismatch', id, detail: `${label(id)}: ${f.name} vector has ${stored.length} dimensions, the forest ${entry.codes.length}` });
      else if (cosine(stored, entry.codes) < SAME_VECTOR) problems.push({ kind: 'vector-mismatch', id, detail: `${label(id)}: the ${f.name} forest holds another vector than the vector store` });
    });
  };
  let step = steps.next();
  while (!step.done) {
    const bytes = await snap.blocks(f.name, step.value);
    step = steps.next(bytes);
    if (pending.length) await compare();
  }
  const inspection = step.value;
  for (const issue of inspection.issues) problems.push({ ...issue, detail: `${f.name} forest: ${issue.detail}` });
  const absent = snap.images.filter((r) => !inspection.live.has(r.id)).map((r) => r.id);
  // After a model change with another dimension the forest starts anew: an image whose stored
  // vector still has the old dimension is waiting for its re-index, not lost.
  const waiting = inspection.meta ? await snap.vectors(absent) : [];
  absent.forEach((id, i) => {
    const stored = waiting[i]?.[f.vector];
    if (inspection.meta && stored instanceof Int8Array && stored.length !== inspection.meta.dim) return;
    // A broken tree already said which ids it lacks; the image is still reachable through the others.
    if (!inspection.issues.some((x) => x.kind === 'tree-missing-entry' && x.id === id)) problems.push({ kind: 'missing-from-forest', id, detail: `${label(id)} is not in the ${f.name} forest` });
  });
  for (const id of inspection.live) if (!images.has(id)) problems.push({ kind: 'orphan-in-forest', id, detail: `${f.name} forest holds id ${id}, which is no image` });
  return inspection.live.size;
}

async function sha256Hex(blob: Blob): Promise<string | undefined> {
  try {
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
    return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
  } catch {
    return undefined;
  }
}

export async function checkLibrary(db: GlimpseDB): Promise<CheckReport> {
  const snap = await readLibrarySnapshot(db);
  const problems: Problem[] = [];
  const images = new Map(snap.images.map((r) => [r.id, r]));
  const label = (id: number): string => `#${id} ${images.get(id)?.name ?? ''}`.trim();
  const bySha = rowProblems(snap, label, images, problems);
  const live: Record<string, number> = {};
  for (const f of FORESTS) live[f.name] = await forestProblems(snap, f, label, images, problems);
  await snap.done;
  // Hashing is not an IndexedDB read, so it waits until the snapshot's transaction is over.
  // One queued file in memory at a time; one indexed and dequeued since the snapshot is no problem.
  const queue = snap.queue;
  snap.queue = [];
  for (const q of queue) {
    let row;
    try {
      row = await queueItem(db, q.id);
      if (!row) continue;
    } catch {
      row = undefined;
    }
    snap.queue.push(q);
    const sha = row && (await sha256Hex(row.file));
    if (sha === undefined) problems.push({ kind: 'unreadable-queue-item', id: q.id, detail: `queued file ${q.name} cannot be read` });
    else if (bySha.has(sha)) problems.push({ kind: 'queued-already-indexed', id: q.id, detail: `queued file ${q.name} is already in the library as ${label(bySha.get(sha)!)}` });
  }
  const counts = { images: snap.images.length, thumbs: snap.thumbs.size, vectors: snap.vectorIds.size, queue: snap.queue.length, text: live.text ?? 0, visual: live.visual ?? 0 };
  return { problems, counts };
}
