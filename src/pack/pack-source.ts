// Fetches a pack's parts over HTTP (same origin or CORS): each part is checked against the
// SHA-256 it is named by and kept in memory, so a part is fetched once per visit. Every failure
// is a PackError naming the pack's URL and what to do.
import { checkManifest, MANIFEST_FILE, PackError, partPath, type PackManifest } from '../core/pack/format';

/** `url` may name the pack's folder or its pack.json; relative URLs resolve against the page. */
export function packUrls(url: string, base: string): { manifest: string; root: string } {
  const u = new URL(url, base);
  if (u.pathname.endsWith('.json')) return { manifest: u.href, root: new URL('.', u).href };
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return { manifest: new URL(MANIFEST_FILE, u).href, root: u.href };
}

const hex = (b: ArrayBuffer): string => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');

export class PackSource {
  private readonly parts = new Map<string, Promise<Uint8Array>>();
  /** Bytes fetched so far (parts and the manifest): what this visit cost the network. */
  fetchedBytes = 0;

  private constructor(
    readonly url: string,
    readonly root: string,
    readonly manifest: PackManifest,
  ) {}

  static async open(url: string, base: string): Promise<PackSource> {
    const { manifest, root } = packUrls(url, base);
    const bytes = await fetchBytes(url, manifest);
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new PackError(url, `${manifest} is not JSON, so this is not a Glimpse pack. Check the address.`);
    }
    const source = new PackSource(url, root, checkManifest(json, url));
    source.fetchedBytes += bytes.byteLength;
    return source;
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
    const out = new Map<number, Uint8Array>();
    const want = [...new Set(indices)].sort((a, b) => a - b).filter((i) => {
      const hit = this.ranges.get(`${hash}:${i}`);
      if (hit) out.set(i, hit);
      return !hit;
    });
    const runs: [number, number][] = [];
    for (const i of want) {
      const last = runs[runs.length - 1];
      if (last && (i - last[1]) * size <= 8192) last[1] = i;
      else runs.push([i, i]);
    }
    const url = new URL(partPath(hash), this.root).href;
    await Promise.all(
      runs.map(async ([a, b]) => {
        const bytes = await fetchBytes(this.url, url, `bytes=${a * size}-${(b + 1) * size - 1}`);
        this.fetchedBytes += bytes.byteLength;
        // A host that ignores Range sends the whole part (200): take the records from it.
        const base = bytes.byteLength === (b - a + 1) * size ? 0 : a * size;
        for (let i = a; i <= b; i++) {
          const rec = bytes.subarray(base + (i - a) * size, base + (i - a + 1) * size);
          if (rec.byteLength !== size) throw new PackError(this.url, `${url} is shorter than its manifest says. Upload the pack again, whole.`);
          this.ranges.set(`${hash}:${i}`, rec);
          out.set(i, rec);
        }
      }),
    );
    return out;
  }

  private readonly ranges = new Map<string, Uint8Array>();

  private async fetchPart(hash: string): Promise<Uint8Array> {
    const bytes = await fetchBytes(this.url, new URL(partPath(hash), this.root).href);
    this.fetchedBytes += bytes.byteLength;
    if (hex(await crypto.subtle.digest('SHA-256', bytes)) !== hash) {
      throw new PackError(this.url, `its part ${partPath(hash)} fails its checksum (damaged, or changed while being read). Upload the pack again, whole.`);
    }
    return bytes;
  }
}

async function fetchBytes(packUrl: string, url: string, range?: string): Promise<Uint8Array<ArrayBuffer>> {
  let res: Response;
  try {
    res = await fetch(url, { mode: 'cors', credentials: 'omit', ...(range ? { headers: { range } } : {}) });
  } catch {
    // fetch tells a refused cross-origin read and a network failure apart only in the console.
    throw new PackError(packUrl, `${url} could not be fetched: the host is unreachable, or it does not allow this site to read it (CORS: it must send Access-Control-Allow-Origin).`);
  }
  if (!res.ok) throw new PackError(packUrl, `${url} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}. Check the address and that the whole pack folder was uploaded.`);
  return new Uint8Array(await res.arrayBuffer());
}
