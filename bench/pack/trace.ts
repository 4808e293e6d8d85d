// What a query asked of the pack (--trace): its requests by kind of part, and how many of them had
// to wait for another to finish (rounds: the longest chain of requests each started after the
// previous one was answered). Over a link with 50 ms a request, rounds and the count of requests
// (6 at a time over HTTP/1.1) are what a query's time is made of, not bytes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { partPath, type PackManifest } from '../../src/core/pack/format.ts';
import type { Link } from './server.ts';

/** Part hash → what it is: forest blocks and their indexes, vectors, row pages, the keyword index's parts; else a thumbnail. */
export function partKinds(dir: string, m: PackManifest): Map<string, string> {
  const kinds = new Map<string, string>([[m.lexical, 'kw-head']]);
  kinds.set(m.rows.part, 'rows');
  kinds.set(m.rows.index, 'rows-index');
  for (const name of ['text', 'visual'] as const) {
    const f = m.forests[name];
    kinds.set(f.vectors.part, `${name}:vectors`);
    kinds.set(f.blocks.part, `${name}:blocks`);
    kinds.set(f.blocks.index, `${name}:block-index`);
  }
  let head: { postings?: string; pages?: [string, string][] } = {};
  try {
    head = JSON.parse(readFileSync(path.join(dir, partPath(m.lexical)), 'utf8')) as typeof head;
  } catch {
    // a pack of format 3: the keyword index is one binary part
  }
  if (head.postings) kinds.set(head.postings, 'kw-postings');
  for (const [, p] of head.pages ?? []) kinds.set(p, 'kw-dir');
  return kinds;
}

export interface QueryTrace {
  requests: number;
  rounds: number;
  /** ms from `from` until the first of these requests came in, and until the last was answered. */
  firstAsk: number;
  lastAnswer: number;
  byKind: Record<string, number>;
}

/** The requests made from `from` to `to` (performance.now()). */
export function traceOf(trace: Link['trace'], kinds: Map<string, string>, from: number, to: number): QueryTrace {
  const mine = trace.filter((r) => r.at >= from && r.at <= to).sort((a, b) => a.at - b.at);
  const round: number[] = [];
  const byKind: Record<string, number> = {};
  mine.forEach((r, i) => {
    let before = 0;
    for (let j = 0; j < i; j++) if (mine[j]!.done > 0 && mine[j]!.done <= r.at) before = Math.max(before, round[j]!);
    round[i] = before + 1;
    const kind = r.file === '' || r.file === 'pack.json' ? 'manifest' : (kinds.get(r.file.replace(/^p\//, '')) ?? 'thumb');
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  });
  const lastAnswer = Math.max(0, ...mine.map((r) => r.done - from));
  return { requests: mine.length, rounds: Math.max(0, ...round), firstAsk: (mine[0]?.at ?? from) - from, lastAnswer, byKind };
}

export const formatTrace = (t: QueryTrace): string =>
  `${t.requests} requests in ${t.rounds} rounds, the first asked at ${t.firstAsk.toFixed(0)} ms, the last answered at ${t.lastAnswer.toFixed(0)} ms (${Object.entries(t.byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')})`;
