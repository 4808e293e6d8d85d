// A pack's parts, read through a PartReader: over HTTP (HttpParts: same origin or CORS, kept in
// Cache Storage, src/sw/pack-parts.ts, shared with the service worker, so what a visit read is there
// offline; pack.json from the network first, the cache when offline) or from a library file on disk
// (workers/lib/pack-file.ts: slices of the File). Each whole part is checked against the SHA-256 it
// is named by and kept in memory, so a part is read once per visit. Every failure is a PackError
// naming the pack's URL (or the file) and what to do.
import { checkManifest, MANIFEST_FILE, PackError, partPath, type PackManifest } from '../core/pack/format';
import { FROM_PACK_CACHE, rangeKey, READER_MISSED, storable } from '../sw/pack-parts';
import { keepPart, keepRanges, keptBytes, packCache } from './part-cache';

/** `url` may name the pack's folder or its pack.json; relative URLs resolve against the page. */
export function packUrls(url: string, base: string): { manifest: string; root: string } {
  const u = new URL(url, base);
  if (u.pathname.endsWith('.json')) return { manifest: u.href, root: new URL('.', u).href };
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return { manifest: new URL(MANIFEST_FILE, u).href, root: u.href };
}

const hex = (b: ArrayBuffer): string => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');

/** Bytes of a part as a PartReader gives them. */
export interface PartBytes {
  bytes: Uint8Array;
  /** They came over the network (counted in fetchedBytes). */
  fetched: boolean;
  /** Keeps a whole part once it is checked (HTTP: in Cache Storage). */
  keep?: () => Promise<void>;
}

/** Where a pack's bytes come from: the seam between the reader and HTTP or a file on disk. */
export interface PartReader {
  /** What messages name: the pack's URL, or the library file's name. */
  readonly label: string;
  /** What to do when a part is damaged or short. */
  readonly again: string;
  /** What to do when the pack's structure is wrong (made by another version). */
  readonly remake: string;
  /** A PackError naming the pack (or the file holding it). */
  error(why: string): PackError;
  /** pack.json's bytes. */
  manifest(): Promise<Uint8Array>;
  /**
   * Part `hash` whole (no range) or its bytes [start, end). A reader may answer a range with the
   * whole part (a host that ignores Range); the caller cuts the range from it.
   */
  read(hash: string, range?: readonly [number, number]): Promise<PartBytes>;
  /** Several ranges of part `hash` asked together, an answer each (HTTP: those fetched are kept as one cache entry). */
  readRanges?(hash: string, runs: readonly (readonly [number, number])[]): Promise<PartBytes>[];
}

/** A pack served over HTTP (the existing fetch, Range and Cache Storage code below). */
export class HttpParts implements PartReader {
  readonly again = 'Upload the pack again, whole.';
  readonly remake = 'Make the pack again with this version of npm run pack.';
  readonly root: string;
  private readonly manifestUrl: string;

  constructor(
    readonly label: string,
    base: string,
  ) {
    const u = packUrls(label, base);
    this.root = u.root;
    this.manifestUrl = u.manifest;
  }

  error(why: string): PackError {
    return new PackError(this.label, why);
  }

  async manifest(): Promise<Uint8Array> {
    const bytes = await manifestBytes(this.label, this.manifestUrl);
    try {
      JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new PackError(this.label, `${this.manifestUrl} is not JSON, so this is not a Glimpse pack. Check the address.`);
    }
    return bytes;
  }

  read(hash: string, range?: readonly [number, number]): Promise<PartBytes> {
    return range ? this.readRanges(hash, [range])[0]! : wholePart(this.label, new URL(partPath(hash), this.root).href);
  }

  /** Once every range is in, those fetched are kept as one cache entry, off the query's path. */
  readRanges(hash: string, runs: readonly (readonly [number, number])[]): Promise<PartBytes>[] {
    const url = new URL(partPath(hash), this.root).href;
    const reads = runs.map(([a, b]) => rangeBytes(this.label, url, a, b));
    void Promise.allSettled(reads).then((done) =>
      keepRanges(
        url,
        done.flatMap((d, i) => (d.status === 'fulfilled' && d.value.keepRange ? [{ a: runs[i]![0], b: runs[i]![1], bytes: d.value.bytes }] : [])),
      ),
    );
    return reads;
  }
}

export class PackSource {
  private readonly parts = new Map<string, Promise<Uint8Array>>();
  /** Bytes fetched so far (parts and the manifest): what this visit cost the network. */
  fetchedBytes = 0;

  private constructor(
    readonly reader: PartReader,
    readonly manifest: PackManifest,
  ) {}

  /** What messages name: the pack's URL, or the library file's name. */
  get url(): string {
    return this.reader.label;
  }

  static open(url: string, base: string): Promise<PackSource> {
    return PackSource.from(new HttpParts(url, base));
  }

  /** A pack read through `reader`; `check` may refuse its pack.json with a message of its own. */
  static async from(reader: PartReader, check: (json: unknown) => PackManifest = (json) => checkManifest(json, reader.label)): Promise<PackSource> {
    const bytes = await reader.manifest();
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw reader.error(`its ${MANIFEST_FILE} is not JSON. ${reader.again}`);
    }
    const source = new PackSource(reader, check(json));
    if (reader instanceof HttpParts) source.fetchedBytes += bytes.byteLength;
    return source;
  }

  /** A PackError naming the pack (or the file holding it). */
  error(why: string): PackError {
    return this.reader.error(why);
  }

  /** A part by hash, fetched once (concurrent callers share the fetch), checked against its name. */
  part(hash: string): Promise<Uint8Array> {
    let p = this.parts.get(hash);
    if (!p) {
      p = this.fetchPart(hash);
      this.parts.set(hash, p);
      p.catch(() => this.parts.delete(hash)); // a later call may succeed (network back)
    }
    return p;
  }

  /**
   * Fixed-size records `index` of part `hash` through Range requests (neighbours within 8 KB in
   * one request), kept in memory. Not checked against the part's hash (a range cannot be): the
   * caller's records carry their own checksums (forest blocks).
   */
  async slices(hash: string, indices: readonly number[], size: number): Promise<Map<number, Uint8Array>> {
    const uniq = [...new Set(indices)];
    const got = await this.byteRanges(hash, uniq.map((i) => [i * size, (i + 1) * size] as const));
    return new Map(uniq.map((i, k) => [i, got[k]!]));
  }

  /** Ranges read (`<hash>@<start>-<end>`), and those on their way: a second search asking for the same blocks meanwhile waits for the first's requests. */
  private readonly ranges = new Map<string, Uint8Array>();
  private readonly coming = new Map<string, Promise<Uint8Array>>();

  /**
   * Byte ranges [start, end) of part `hash`, in order, through Range requests sent together
   * (ranges within 8 KB of each other in one request), kept in memory. A range already on its way
   * (a concurrent read asked for it) is not asked again: at the first query the page re-runs its
   * search when the pack's open lands (Results.svelte), and the two searches read the same blocks at
   * once (bench:pack --trace: 178 of 446 requests were repeats). Not checked against the part's
   * hash: the caller checks each range against its own checksum (forest blocks, keyword postings).
   */
  async byteRanges(hash: string, want: readonly (readonly [number, number])[]): Promise<Uint8Array[]> {
    const key = (a: number, b: number): string => `${hash}@${a}-${b}`;
    const out: (Uint8Array | Promise<Uint8Array> | undefined)[] = want.map(([a, b]) => (b <= a ? new Uint8Array(0) : (this.ranges.get(key(a, b)) ?? this.coming.get(key(a, b)))));
    const todo = want.map((r, i) => [r[0], r[1], i] as const).filter((_, i) => !out[i]).sort((x, y) => x[0] - y[0]);
    const runs: { a: number; b: number; parts: (readonly [number, number, number])[] }[] = [];
    for (const r of todo) {
      const last = runs[runs.length - 1];
      if (last && r[0] - last.b <= 8192) {
        last.b = Math.max(last.b, r[1]);
        last.parts.push(r);
      } else runs.push({ a: r[0], b: r[1], parts: [r] });
    }
    if (runs.length === 0) return Promise.all(out as (Uint8Array | Promise<Uint8Array>)[]);
    const reads = this.reader.readRanges?.(hash, runs.map((r) => [r.a, r.b] as const)) ?? runs.map((r) => this.reader.read(hash, [r.a, r.b]));
    for (const [j, { a, b, parts }] of runs.entries()) {
      const run = reads[j]!.then(({ bytes, fetched }) => {
        if (fetched) this.fetchedBytes += bytes.byteLength;
        // A host that ignores Range sends the whole part (200): cut the ranges from it.
        return { bytes, base: bytes.byteLength === b - a ? a : 0 };
      });
      for (const [s, e, i] of parts) {
        const k = key(s, e);
        const one = run.then(({ bytes, base }) => {
          const got = bytes.subarray(s - base, e - base);
          if (got.byteLength !== e - s) throw this.error(`its part ${partPath(hash)} is shorter than its manifest says. ${this.reader.again}`);
          this.ranges.set(k, got);
          return got;
        });
        // Settled either way: a failed range is asked again by a later read (network back).
        void one.then(() => this.coming.delete(k), () => this.coming.delete(k));
        this.coming.set(k, one);
        out[i] = one;
      }
    }
    return Promise.all(out as (Uint8Array | Promise<Uint8Array>)[]);
  }

  private async fetchPart(hash: string): Promise<Uint8Array> {
    const { bytes, fetched, keep } = await this.reader.read(hash);
    if (fetched) this.fetchedBytes += bytes.byteLength;
    if (hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)) !== hash) {
      throw this.error(`its part ${partPath(hash)} fails its checksum (damaged, or changed while being read). ${this.reader.again}`);
    }
    void keep?.(); // off the query's path
    return bytes;
  }
}

/** A whole part: kept, else fetched; the caller keeps it (`keep`) once it has checked it against its hash. */
async function wholePart(packUrl: string, url: string): Promise<PartBytes> {
  const hit = await keptBytes(url);
  if (hit) return { bytes: hit, fetched: false };
  const res = await fromNetwork(packUrl, url, undefined, url);
  if (!(res instanceof Response)) return { bytes: res, fetched: false };
  const bytes = new Uint8Array(await res.arrayBuffer());
  const fromSw = res.headers.get(FROM_PACK_CACHE) === 'sw';
  return { bytes, fetched: true, keep: () => (fromSw ? Promise.resolve() : keepPart(url, bytes, res.headers)) };
}

/** Range [a, b) of a part: kept, else fetched. `keepRange`: the caller keeps it (with the others of its round). */
async function rangeBytes(packUrl: string, url: string, a: number, b: number): Promise<PartBytes & { keepRange?: boolean }> {
  const range = `bytes=${a}-${b - 1}`;
  const key = rangeKey(url, a, b);
  const hit = await keptBytes(key);
  if (hit) return { bytes: hit, fetched: false };
  const res = await fromNetwork(packUrl, url, range, key);
  if (!(res instanceof Response)) return { bytes: res, fetched: false };
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (res.headers.get(FROM_PACK_CACHE) === 'sw') return { bytes, fetched: true };
  // A host that ignores Range answers with the whole part: kept under the part's own name.
  if (res.status !== 206) {
    void keepPart(url, bytes, res.headers);
    return { bytes, fetched: true };
  }
  return { bytes, fetched: true, keepRange: true };
}

/** The answer from the network or, offline, the bytes kept under `key` since the cache was listed (by another tab, or the service worker). */
async function fromNetwork(packUrl: string, url: string, range: string | undefined, key: string): Promise<Response | Uint8Array<ArrayBuffer>> {
  try {
    return await get(packUrl, url, range, (await packCache()) !== undefined);
  } catch (e) {
    const late = e instanceof UnreachableError ? await keptBytes(key, true) : undefined;
    if (!late) throw e;
    return late;
  }
}

/** pack.json: the network first (it is the one file that changes), the cached copy when offline. */
async function manifestBytes(packUrl: string, url: string): Promise<Uint8Array<ArrayBuffer>> {
  const cache = await packCache();
  let res: Response;
  try {
    res = await get(packUrl, url);
  } catch (e) {
    const hit = e instanceof UnreachableError ? await cache?.match(url).catch(() => undefined) : undefined;
    if (!hit) throw e;
    return new Uint8Array(await hit.arrayBuffer());
  }
  if (cache) await cache.put(url, await storable(res)).catch(() => {});
  return new Uint8Array(await res.arrayBuffer());
}

/** The host could not be reached (offline, or CORS refused): the one failure the cached pack.json answers. */
class UnreachableError extends PackError {}

/** `missed`: the reader did not find the part in Cache Storage (its listing, or a lookup); same origin, the service worker is told so (READER_MISSED). */
async function get(packUrl: string, url: string, range?: string, missed = false): Promise<Response> {
  let res: Response;
  const headers: Record<string, string> = range ? { range } : {};
  if (missed && typeof location !== 'undefined' && new URL(url).origin === location.origin) headers[READER_MISSED] = '1';
  try {
    // A Range request skips the HTTP cache: Chromium's cache lets one request at a time at a URL
    // (its cache lock), so a query's ranges of one part (row pages, postings, vectors) went one
    // after another (bench:pack --trace: 60 row pages in 60 rounds). Offline copies are ours
    // (Cache Storage), so nothing is lost.
    res = await fetch(url, { mode: 'cors', credentials: 'omit', headers, ...(range ? { cache: 'no-store' as const } : {}) });
  } catch {
    // fetch tells a refused cross-origin read and a network failure apart only in the console.
    throw new UnreachableError(packUrl, `${url} could not be fetched: the host is unreachable, or it does not allow this site to read it (CORS: it must send Access-Control-Allow-Origin).`);
  }
  if (!res.ok) throw new PackError(packUrl, `${url} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}. Check the address and that the whole pack folder was uploaded.`);
  return res;
}
