// What a query asked of the pack (--trace): its requests and bytes by kind of part, and how many of
// them had to wait for another to finish (rounds: the longest chain of requests each started after
// the previous one was answered). Over a link with 50 ms a request, rounds and the count of requests
// (6 at a time over HTTP/1.1) are what a query's time is made of, not bytes. A forest's blocks part
// is split further by what its ranges hold (the open's blocks, node pages, leaves, leaf sketch rows),
// from its lengths index: a range that spans blocks the query did not ask for shows up there.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { blockLayout, openBlockCount, partPath, rowOffsets, type PackManifest } from '../../src/core/pack/format.ts';
import type { Link } from './server.ts';

/** Byte spans of a blocks part: span i is [at[i], at[i+1]) and holds blocks of kind[i]. */
interface Spans {
  at: number[];
  kind: string[];
}

export interface PartKinds {
  /** Part hash → what it is; else a thumbnail. */
  kinds: Map<string, string>;
  /** Blocks part hash → its spans by kind of block. */
  spans: Map<string, Spans>;
}

/** Which kind of block a key is, as the trace names it. */
function blockKindOf(key: string, i: number, opened: number): string {
  if (i < opened) return 'open';
  if (/\/n\/\d+\/\d+$/.test(key)) return 'nodes';
  if (/\/l\/\d+\/\d+$/.test(key)) return 'leaves';
  if (/\/r\/\d+\/\d+$/.test(key)) return 'leaf-rows';
  return 'other';
}

/** Part hash → what it is: forest blocks and their indexes, vectors, row pages, the keyword index's parts; else a thumbnail. */
export function partKinds(dir: string, m: PackManifest): PartKinds {
  const kinds = new Map<string, string>([[m.lexical, 'kw-head']]);
  const spans = new Map<string, Spans>();
  kinds.set(m.rows.part, 'rows');
  kinds.set(m.rows.index, 'rows-index');
  for (const name of ['text', 'visual'] as const) {
    const f = m.forests[name];
    kinds.set(f.vectors.part, `${name}:vectors`);
    kinds.set(f.blocks.part, `${name}:blocks`);
    kinds.set(f.blocks.index, `${name}:block-index`);
    if (f.blocks.slots) kinds.set(f.blocks.slots, `${name}:slots`);
    const layout = blockLayout(f.blocks);
    const offsets = rowOffsets(inflateRawSync(readFileSync(path.join(dir, partPath(f.blocks.index)))), layout.length);
    const opened = openBlockCount(layout);
    const s: Spans = { at: [0], kind: [] };
    layout.forEach((key, i) => {
      const kind = `${name}:${blockKindOf(key, i, opened)}`;
      if (s.kind[s.kind.length - 1] === kind) s.at[s.at.length - 1] = offsets[i + 1]!;
      else {
        s.kind.push(kind);
        s.at.push(offsets[i + 1]!);
      }
    });
    spans.set(f.blocks.part, s);
  }
  let head: { postings?: string; pages?: [string, string][] } = {};
  try {
    head = JSON.parse(readFileSync(path.join(dir, partPath(m.lexical)), 'utf8')) as typeof head;
  } catch {
    // a pack of format 3: the keyword index is one binary part
  }
  if (head.postings) kinds.set(head.postings, 'kw-postings');
  for (const [, p] of head.pages ?? []) kinds.set(p, 'kw-dir');
  return { kinds, spans };
}

export interface QueryTrace {
  requests: number;
  rounds: number;
  /** ms from `from` until the first of these requests came in, and until the last was answered. */
  firstAsk: number;
  lastAnswer: number;
  byKind: Record<string, number>;
  /** Bytes by kind; a blocks part's bytes by the kind of block they hold (`text:leaves`…). */
  bytesByKind: Record<string, number>;
}

/** Adds the bytes [a, b) of a blocks part to `out` by the spans they fall in. */
function splitBytes(s: Spans, a: number, b: number, out: Record<string, number>): void {
  for (let i = 0; i < s.kind.length; i++) {
    const n = Math.min(b, s.at[i + 1]!) - Math.max(a, s.at[i]!);
    if (n > 0) out[s.kind[i]!] = (out[s.kind[i]!] ?? 0) + n;
  }
}

type Request = Link['trace'][number];

/** The requests asked from `from` to `to` (performance.now()), in the order they were asked. */
const requestsIn = (trace: Link['trace'], from: number, to: number): Request[] => trace.filter((r) => r.at >= from && r.at <= to).sort((a, b) => a.at - b.at);

/** What a request fetched, as the trace names it: the manifest, a kind of part, else a thumbnail. */
const kindOf = (r: Request, kinds: PartKinds['kinds']): string => (r.file === '' || r.file === 'pack.json' ? 'manifest' : (kinds.get(r.file.replace(/^p\//, '')) ?? 'thumb'));

/** The requests made from `from` to `to` (performance.now()). */
export function traceOf(trace: Link['trace'], { kinds, spans }: PartKinds, from: number, to: number): QueryTrace {
  const mine = requestsIn(trace, from, to);
  const round: number[] = [];
  const byKind: Record<string, number> = {};
  const bytesByKind: Record<string, number> = {};
  mine.forEach((r, i) => {
    let before = 0;
    for (let j = 0; j < i; j++) if (mine[j]!.done > 0 && mine[j]!.done <= r.at) before = Math.max(before, round[j]!);
    round[i] = before + 1;
    const hash = r.file.replace(/^p\//, '');
    const kind = kindOf(r, kinds);
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    const range = /^bytes=(\d+)-(\d+)$/.exec(r.range ?? '');
    const s = spans.get(hash);
    if (s && range) splitBytes(s, Number(range[1]), Number(range[1]) + r.bytes, bytesByKind);
    else bytesByKind[kind] = (bytesByKind[kind] ?? 0) + r.bytes;
  });
  const lastAnswer = Math.max(0, ...mine.map((r) => r.done - from));
  return { requests: mine.length, rounds: Math.max(0, ...round), firstAsk: (mine[0]?.at ?? from) - from, lastAnswer, byKind, bytesByKind };
}

const KB = (b: number): string => `${(b / 1024).toFixed(0)} KB`;

export const formatTrace = (t: QueryTrace): string =>
  `${t.requests} requests in ${t.rounds} rounds, the first asked at ${t.firstAsk.toFixed(0)} ms, the last answered at ${t.lastAnswer.toFixed(0)} ms (${Object.entries(t.byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')}; bytes: ${Object.entries(t.bytesByKind)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${KB(n)}`)
    .join(', ')})`;

/**
 * Where a query's time went (--timeline): each kind of part's requests (first asked, last answered,
 * ms from `from`), and the spans from `from` to `to` with no pack request in flight (the page's own
 * work: debounce, embedding, search code, rendering), which the link's figures leave out.
 */
export function timelineOf(trace: Link['trace'], { kinds }: PartKinds, from: number, to: number): string[] {
  const mine = requestsIn(trace, from, to);
  const byKind = new Map<string, { n: number; first: number; lastAsk: number; lastDone: number }>();
  for (const r of mine) {
    const k = kindOf(r, kinds), e = byKind.get(k) ?? { n: 0, first: r.at, lastAsk: r.at, lastDone: 0 };
    e.n++;
    e.lastAsk = r.at;
    e.lastDone = Math.max(e.lastDone, r.done || to);
    byKind.set(k, e);
  }
  const ms = (t: number): string => `${(t - from).toFixed(0)}`;
  const lines = [...byKind].map(([k, e]) => `${k}: ${e.n} asked ${ms(e.first)}–${ms(e.lastAsk)}, answered by ${ms(e.lastDone)}`);
  // Idle spans: walk the requests in order of asking, tracking the latest answer so far.
  let busyUntil = from;
  const idle: string[] = [];
  for (const r of mine) {
    if (r.at - busyUntil >= 10) idle.push(`${ms(busyUntil)}–${ms(r.at)} (${(r.at - busyUntil).toFixed(0)} ms, then ${kindOf(r, kinds)})`);
    busyUntil = Math.max(busyUntil, r.done || to);
  }
  if (to - busyUntil >= 10) idle.push(`${ms(busyUntil)}–${ms(to)} (${(to - busyUntil).toFixed(0)} ms, then the result shown)`);
  return [...lines, `nothing in flight: ${idle.join(', ') || 'never'}`];
}
