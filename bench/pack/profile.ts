// Where the page's and the workers' time goes during a query (bench:pack --profile): Chromium's
// trace with the V8 sampling profiler on every thread, summed by thread and by function (self time).
// The --timeline spans with no request in flight are this work. A thread blocked inside wasm (ORT's
// pool threads waiting in Atomics.wait) is sampled in that wasm function too: "sampled" is not CPU.
import { writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

const CATEGORIES = ['devtools.timeline', 'v8.execute', 'disabled-by-default-v8.cpu_profiler'];

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  id?: string;
  args?: {
    name?: string;
    data?: { cpuProfile?: { nodes?: { id: number; callFrame: { functionName: string; url?: string; lineNumber: number } }[]; samples?: number[] }; timeDeltas?: number[] };
  };
}

export async function startProfile(browser: Browser, page: Page): Promise<void> {
  await browser.startTracing(page, { categories: CATEGORIES });
}

/** Stops the trace, keeps it in `file` (for chrome://tracing or DevTools), and returns the summary's lines. */
export async function stopProfile(browser: Browser, file: string, top = 12): Promise<string[]> {
  const events = (JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  writeFileSync(file, JSON.stringify({ traceEvents: events }));
  return summarize(events, top);
}

/** Self time by thread (sampled: neither idle nor outside JS) and its `top` functions. */
export function summarize(events: TraceEvent[], top = 12): string[] {
  const threadName = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
  // Each profile (one per thread) sends its call-tree nodes and samples in chunks; interval ~ the sampling period.
  const frames = new Map<string, Map<number, string>>();
  const self = new Map<string, Map<string, number>>();
  const thread = new Map<string, string>();
  for (const e of events) {
    if (e.name === 'Profile' && e.id) thread.set(e.id, threadName.get(`${e.pid}:${e.tid}`) ?? `${e.pid}:${e.tid}`);
    if (e.name !== 'ProfileChunk' || !e.id) continue;
    const cpu = e.args?.data?.cpuProfile, deltas = e.args?.data?.timeDeltas ?? [];
    const nodes = frames.get(e.id) ?? new Map<number, string>();
    frames.set(e.id, nodes);
    for (const n of cpu?.nodes ?? []) {
      // Built chunks are named by hash; blob: URLs are the workers' own scripts and wasm.
      const f = n.callFrame, file = (f.url ?? '').split('/').pop() ?? '';
      nodes.set(n.id, file ? `${f.functionName || '(anonymous)'} ${file.slice(0, 24)}:${f.lineNumber + 1}` : f.functionName || '(program)');
    }
    const sums = self.get(e.id) ?? new Map<string, number>();
    self.set(e.id, sums);
    (cpu?.samples ?? []).forEach((s, i) => {
      const name = nodes.get(s) ?? `#${s}`;
      sums.set(name, (sums.get(name) ?? 0) + (deltas[i] ?? 0) / 1000);
    });
  }
  const lines: string[] = [];
  for (const [id, sums] of self) {
    const ranked = [...sums].filter(([n]) => n !== '(idle)' && n !== '(program)').sort((a, b) => b[1] - a[1]);
    const busy = ranked.reduce((s, [, ms]) => s + ms, 0);
    if (busy < 20) continue;
    lines.push(`${thread.get(id) ?? id}: ${busy.toFixed(0)} ms sampled in JS or wasm (program ${(sums.get('(program)') ?? 0).toFixed(0)} ms, GC ${(sums.get('(garbage collector)') ?? 0).toFixed(0)} ms)`);
    for (const [n, ms] of ranked.slice(0, top)) lines.push(`  ${ms.toFixed(0).padStart(6)} ms  ${n}`);
  }
  return lines;
}
