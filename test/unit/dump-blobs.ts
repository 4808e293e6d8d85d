// Where a database dump (src/storage/dump.ts) still holds a Blob: schema v4 stores none.
import type { DatabaseDump, Json } from '../../src/storage/dump.ts';

/** "store key.path" of every Blob in the dump. */
export function blobsIn(dump: DatabaseDump): string[] {
  const found: string[] = [];
  const walk = (j: Json, at: string): void => {
    if (j === null || typeof j !== 'object') return;
    if (!Array.isArray(j) && '$blob' in j) found.push(at);
    else for (const [k, v] of Object.entries(j)) walk(v, `${at}.${k}`);
  };
  for (const [store, s] of Object.entries(dump.stores)) for (const [key, value] of s.rows) walk(value, `${store} ${JSON.stringify(key)}`);
  return found;
}
