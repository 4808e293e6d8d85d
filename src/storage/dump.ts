// Every object store of a database as plain JSON, and back: schema fixtures for the upgrade
// tests (test/fixtures/schema/) and a way to look at a library from a bug report.
// Blobs, ArrayBuffers and typed arrays travel as base64 under a tag ({ $blob }, { $ab }, { $ta }).
import type { DBSchema, IDBPDatabase } from 'idb';
import { fromBase64, toBase64 } from './base64';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface StoreDump {
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexes: { name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }[];
  /** [key, value] in key order. */
  rows: [Json, Json][];
}

export interface DatabaseDump {
  format: 'glimpse-db-dump';
  name: string;
  version: number;
  stores: Record<string, StoreDump>;
}

const TYPED = { Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array } as const;
type TypedName = keyof typeof TYPED;

/** Structured-clone data → JSON. Async because a Blob's bytes can only be read that way. */
export async function encodeValue(v: unknown): Promise<Json> {
  if (v === undefined) return { $undefined: true };
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $num: String(v) };
  if (v instanceof Blob) {
    const out: Json = { $blob: toBase64(new Uint8Array(await v.arrayBuffer())), type: v.type };
    if (typeof File !== 'undefined' && v instanceof File) Object.assign(out, { name: v.name, lastModified: v.lastModified });
    return out;
  }
  if (v instanceof ArrayBuffer) return { $ab: toBase64(new Uint8Array(v)) };
  if (ArrayBuffer.isView(v)) {
    const name = v.constructor.name as TypedName;
    if (!(name in TYPED)) throw new Error(`Cannot dump a ${name}.`);
    return { $ta: name, b64: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
  }
  if (v instanceof Date) return { $date: v.getTime() };
  if (Array.isArray(v)) return Promise.all(v.map(encodeValue));
  if (typeof v === 'object') {
    // A FileSystemHandle cannot leave the browser: keep its name, restore it as undefined.
    if ('kind' in v && 'getFile' in v) return { $handle: String((v as { name?: unknown }).name) };
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) out[k] = await encodeValue(x);
    return out;
  }
  throw new Error(`Cannot dump a ${typeof v}.`);
}

export function decodeValue(j: Json): unknown {
  if (j === null || typeof j !== 'object') return j;
  if (Array.isArray(j)) return j.map(decodeValue);
  if ('$undefined' in j) return undefined;
  if ('$num' in j) return Number(j.$num);
  if ('$blob' in j) {
    const bytes = fromBase64(String(j.$blob));
    const type = String(j.type ?? '');
    if ('name' in j && typeof File !== 'undefined') return new File([bytes], String(j.name), { type, lastModified: Number(j.lastModified) });
    return new Blob([bytes], { type });
  }
  if ('$ab' in j) return fromBase64(String(j.$ab)).buffer;
  if ('$ta' in j) {
    const bytes = fromBase64(String(j.b64));
    const Ctor = TYPED[j.$ta as TypedName];
    return new Ctor(bytes.buffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
  }
  if ('$date' in j) return new Date(Number(j.$date));
  if ('$handle' in j) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(j)) out[k] = decodeValue(x);
  return out;
}

/** Reads every store in one readonly transaction (a consistent picture), encodes afterwards. */
export async function dumpDatabase<S extends DBSchema | unknown>(db: IDBPDatabase<S>): Promise<DatabaseDump> {
  const raw = db as unknown as IDBPDatabase;
  const names = Array.from(raw.objectStoreNames);
  const read: { name: string; meta: Omit<StoreDump, 'rows'>; keys: IDBValidKey[]; values: unknown[] }[] = [];
  if (names.length) {
    const tx = raw.transaction(names, 'readonly');
    await Promise.all(
      names.map(async (name) => {
        const st = tx.objectStore(name);
        const indexes = Array.from(st.indexNames, (i) => {
          const ix = st.index(i);
          return { name: i, keyPath: ix.keyPath, unique: ix.unique, multiEntry: ix.multiEntry };
        });
        const [keys, values] = await Promise.all([st.getAllKeys(), st.getAll()]);
        read.push({ name, meta: { keyPath: st.keyPath, autoIncrement: st.autoIncrement, indexes }, keys, values });
      }),
    );
    await tx.done;
  }
  const stores: Record<string, StoreDump> = {};
  for (const s of read.sort((a, b) => a.name.localeCompare(b.name))) {
    const rows: [Json, Json][] = [];
    for (let i = 0; i < s.keys.length; i++) rows.push([await encodeValue(s.keys[i]), await encodeValue(s.values[i])]);
    stores[s.name] = { ...s.meta, rows };
  }
  return { format: 'glimpse-db-dump', name: raw.name, version: raw.version, stores };
}

/** Writes a dump's rows into `db`, whose schema (made by its migrations) must have every store. */
export async function restoreDump<S extends DBSchema | unknown>(db: IDBPDatabase<S>, dump: DatabaseDump): Promise<void> {
  const raw = db as unknown as IDBPDatabase;
  const names = Object.keys(dump.stores);
  const missing = names.filter((n) => !raw.objectStoreNames.contains(n));
  if (missing.length) throw new Error(`The dump has stores this database lacks: ${missing.join(', ')}. Open the database at version ${dump.version} first.`);
  if (!names.length) return;
  const tx = raw.transaction(names, 'readwrite');
  const pending: Promise<unknown>[] = [];
  for (const name of names) {
    const st = tx.objectStore(name);
    for (const [key, value] of dump.stores[name]!.rows) {
      pending.push(st.keyPath === null ? st.put(decodeValue(value), decodeValue(key) as IDBValidKey) : st.put(decodeValue(value)));
    }
  }
  pending.push(tx.done);
  await Promise.all(pending);
}
