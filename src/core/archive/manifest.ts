// manifest.json: parsed and checked whole before anything else is read. Everything the import
// relies on (counts, chunk layout, models, entry sizes and checksums) is checked here; unknown
// fields are kept (a newer writer may add them) and never trusted.
import { LibraryFileError } from './errors.ts';
import { vectorEntryBytes } from './vectors.ts';
import { CHUNK_SIZE, FORMAT, FORMAT_VERSION, VECTOR_KINDS, entryName, type ChunkRef, type EntryRef, type Manifest, type ModelRef, type VectorEntryRef } from './format.ts';

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const SHA256 = /^[0-9a-f]{64}$/;

export function parseManifest(text: string, fileName: string): Manifest {
  const bad = (what: string): never => {
    throw new LibraryFileError('bad-manifest', fileName, `its manifest.json ${what}.`);
  };
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return bad('is not valid JSON');
  }
  if (!isObj(m) || m.format !== FORMAT) return bad(`does not say format "${FORMAT}"`);
  if (!isCount(m.version) || !isCount(m.minReaderVersion) || m.minReaderVersion > m.version) return bad('has no valid format version');
  if (m.minReaderVersion > FORMAT_VERSION) {
    throw new LibraryFileError('newer-version', fileName, `it is a library of format ${m.version}, and this Glimpse reads format ${FORMAT_VERSION}.`);
  }
  if (!isObj(m.counts) || !isObj(m.app) || typeof m.created !== 'string') return bad('lacks its counts, app or date');
  const counts = m.counts;
  for (const k of ['photos', 'thumbnails', 'originals', 'chunks'] as const) if (!isCount(counts[k])) bad(`has no valid count of ${k}`);
  if (!isCount(m.chunkSize) || m.chunkSize < 1 || m.chunkSize > CHUNK_SIZE * 64) return bad('has no valid chunk size');
  const models = parseModels(m.models, bad);
  for (const [i, a] of models.entries()) {
    if (models.findIndex((b) => b.id === a.id && b.role === a.role) !== i) throw new LibraryFileError('dimension', fileName, `its manifest.json lists the ${a.role} ${a.id} twice.`);
  }
  const chunks = parseChunks(m.chunks, models, m.chunkSize, fileName, bad);

  const photos = chunks.reduce((n, c) => n + c.count, 0);
  const lie = (what: string): never => {
    throw new LibraryFileError('counts', fileName, `its manifest.json says ${what}.`);
  };
  if (counts.chunks !== chunks.length) lie(`${String(counts.chunks)} chunks but lists ${chunks.length}`);
  if (counts.photos !== photos) lie(`${String(counts.photos)} photos but its chunks hold ${photos}`);
  if (counts.thumbnails !== photos) lie(`${String(counts.thumbnails)} thumbnails for ${photos} photos`);
  if ((counts.originals as number) > photos) lie(`${String(counts.originals)} originals for ${photos} photos`);
  return {
    format: FORMAT,
    version: m.version,
    minReaderVersion: m.minReaderVersion,
    app: { name: String(m.app.name ?? ''), version: String(m.app.version ?? '') },
    created: m.created,
    counts: { photos, thumbnails: photos, originals: counts.originals as number, chunks: chunks.length },
    chunkSize: m.chunkSize,
    models,
    chunks,
    extensions: isObj(m.extensions) ? m.extensions : {},
  };
}

function parseModels(x: unknown, bad: (what: string) => never): ModelRef[] {
  if (!Array.isArray(x) || x.length > 64) return bad('has no valid list of models');
  return x.map((m: unknown, i): ModelRef => {
    if (!isObj(m) || typeof m.id !== 'string' || m.id.length === 0 || m.id.length > 200) return bad(`names no id for model ${i}`);
    if (m.role !== 'captioner' && m.role !== 'embedder') return bad(`gives model ${m.id} no valid role`);
    if (!isCount(m.dim) || m.dim < 1 || m.dim > 8192) return bad(`gives model ${m.id} no valid dimension`);
    return { id: m.id, role: m.role, revision: typeof m.revision === 'string' ? m.revision : '', dim: m.dim };
  });
}

function parseEntry(x: unknown, expected: string, bad: (what: string) => never): EntryRef {
  if (!isObj(x) || x.path !== expected) return bad(`does not list entry ${expected} where it belongs`);
  if (!isCount(x.bytes) || typeof x.sha256 !== 'string' || !SHA256.test(x.sha256)) return bad(`gives entry ${expected} no size or SHA-256`);
  return { path: x.path, bytes: x.bytes, sha256: x.sha256 };
}

function parseChunks(x: unknown, models: readonly ModelRef[], chunkSize: number, fileName: string, bad: (what: string) => never): ChunkRef[] {
  if (!Array.isArray(x)) return bad('has no list of chunks');
  let first = 0;
  return x.map((c: unknown, i): ChunkRef => {
    if (!isObj(c) || c.first !== first || !isCount(c.count) || c.count < 1 || c.count > chunkSize) return bad(`describes chunk ${i} wrongly (first photo or count)`);
    first += c.count;
    const records = parseEntry(c.records, entryName.records(i), bad);
    if (!Array.isArray(c.vectors)) return bad(`lists no vectors for chunk ${i}`);
    const vectors = c.vectors.map((v: unknown): VectorEntryRef => {
      if (!isObj(v) || !VECTOR_KINDS.includes(v.kind as never) || !isCount(v.model) || v.model >= models.length || !isCount(v.rows) || v.rows < 1 || v.rows > (c.count as number)) {
        return bad(`describes a vector entry of chunk ${i} wrongly`);
      }
      const kind = v.kind as VectorEntryRef['kind'];
      const model = models[v.model]!;
      if (model.role !== (kind === 'text' ? 'embedder' : 'captioner')) return bad(`pairs ${kind} vectors with the ${model.role} ${model.id}`);
      const ref = parseEntry(v, entryName.vectors(i, kind, v.model), bad);
      if (ref.bytes !== vectorEntryBytes(v.rows, model.dim)) {
        throw new LibraryFileError('dimension', fileName, `its entry ${ref.path} holds ${ref.bytes} bytes, where ${v.rows} vectors of ${model.dim} dimensions (${model.id}) take ${vectorEntryBytes(v.rows, model.dim)}.`);
      }
      return { ...ref, kind, model: v.model, rows: v.rows };
    });
    for (const kind of VECTOR_KINDS) {
      const rows = vectors.filter((v) => v.kind === kind).reduce((n, v) => n + v.rows, 0);
      if (rows !== c.count) bad(`gives chunk ${i} ${rows} ${kind} vectors for ${String(c.count)} photos`);
    }
    const thumbs = parseEntry(c.thumbs, entryName.thumbs(i), bad);
    return { first: c.first, count: c.count, records, vectors, thumbs };
  });
}
