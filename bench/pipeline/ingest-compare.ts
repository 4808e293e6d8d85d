// Ingest side by side (--compare-dist): this build's app and another build's (e.g. main's), each on
// its own origin (a second vite preview server) in its own browser, both with their models loaded;
// then rounds in which each indexes the same photos one after another through window.__glimpse,
// alternating which goes first. One figure per side per round; the medians and their ratio are the
// result (one run on a shared machine drifts, so only figures from the same rounds are compared).
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { appReady, firstPage, indexRun, Profile, type ChromiumOptions } from './chromium.ts';
import { median, round } from './stats.ts';
import { summarize } from './summarize.ts';
import type { EnvReport, IngestCompare, IndexRun } from './types.ts';

type Side = 'old' | 'new';

export async function ingestSideBySide(bases: Record<Side, string>, o: ChromiumOptions & { compareDist: string; anchorFile: string }, rounds: number): Promise<Pick<EnvReport, 'modelLoadMs' | 'runs' | 'runtime' | 'ingestCompare'>> {
  // The timed pass alone: no OCR-off or queue pass in between.
  const plain: ChromiumOptions = { ...o, ocrCompare: false, queueCompare: false };
  const profiles: Record<Side, Profile> = { old: new Profile(), new: new Profile() };
  const contexts = await Promise.all((['old', 'new'] as const).map((s) => profiles[s].launch()));
  try {
    const pages = {} as Record<Side, Page>;
    const loads = {} as Record<Side, Awaited<ReturnType<typeof appReady>>>;
    // One after the other: two model loads at once would each be slower than one alone.
    // The page's photos: the anchor first, then the timed ones.
    for (const [k, side] of (['old', 'new'] as const).entries()) {
      pages[side] = await firstPage(contexts[k]!, o, side);
      loads[side] = await appReady(pages[side], bases[side], { ...o, files: [o.anchorFile, ...o.files] }, `${side}: `);
    }
    // Warm-up, untimed: each side indexes the anchor photo (first inference of each session) and
    // keeps it. addImage goes past the indexing queue, so the app sees an idle queue, and when its
    // library goes from empty to one photo it starts the background caption pass
    // (LibraryPage's `done`, src/ui/refresher.svelte.ts), which tops that photo up to three
    // captions and held up the next photo's write by 4.5-5.8 s in every round when the rounds
    // emptied the library. With the anchor it never empties: the pass runs once, here, untimed.
    for (const side of ['old', 'new'] as const) {
      const { ids } = await indexRun(pages[side], o.captionCounts[0] ?? 3, plain, [0, 1]);
      const captions = await pages[side].evaluate(async (id) => {
        // A state to wait on: the anchor's captions (the pass writes its top-up in one go).
        const until = performance.now() + 60_000;
        let n = 0;
        while (performance.now() < until) {
          n = (await window.__glimpse!.imageDetail(id))?.row.record.captions.length ?? 0;
          if (n >= 3) break;
          await new Promise((r) => setTimeout(r, 250));
        }
        return n;
      }, ids[0]!);
      o.log(`chromium: ${side}: anchor photo indexed${captions >= 3 ? `, background pass done (${captions} captions)` : `; no background top-up within 60 s (${captions} captions)`}`);
    }
    const runs: IndexRun[] = [];
    const ingestCompare: IngestCompare[] = [];
    for (const count of o.captionCounts) {
      const perSide: Record<Side, number[]> = { old: [], new: [] };
      const loadBySide: Record<Side, number[]> = { old: [], new: [] };
      const newRuns: IndexRun[] = [];
      const startedAt = Date.now();
      for (let r = 0; r < rounds; r++) {
        const order: Side[] = r % 2 ? ['new', 'old'] : ['old', 'new'];
        const line: string[] = [];
        for (const side of order) {
          const { run, ids } = await indexRun(pages[side], count, plain, [1, null]);
          await pages[side].evaluate((ids) => window.__glimpse!.removeImages(ids), ids); // the next round indexes the same photos again
          const l1 = loadavg()[0]!;
          perSide[side].push(run.imagesPerSecond);
          loadBySide[side].push(l1);
          if (side === 'new') newRuns.push(run);
          line.push(`${side} ${run.imagesPerSecond.toFixed(3)}/s (load ${l1.toFixed(1)})`);
        }
        o.log(`chromium: ingest side by side, captions=${count}, round ${r + 1}/${rounds}: ${line.join(', ')}`);
      }
      const c: IngestCompare = {
        captionCount: count,
        photos: o.files.length,
        rounds,
        oldDist: o.compareDist,
        oldPhotosPerSecond: perSide.old.map((x) => round(x, 3)),
        newPhotosPerSecond: perSide.new.map((x) => round(x, 3)),
        oldMedian: round(median(perSide.old), 3),
        newMedian: round(median(perSide.new), 3),
        ratio: round(median(perSide.new) / median(perSide.old), 3),
        loadAvg1: round(median([...loadBySide.old, ...loadBySide.new]), 2),
      };
      ingestCompare.push(c);
      o.log(
        `chromium: ingest side by side, captions=${count}, ${c.photos} photos × ${rounds} rounds each: old (${o.compareDist}) median ${c.oldMedian.toFixed(3)} photos/s [${c.oldPhotosPerSecond.join(', ')}], ` +
          `new median ${c.newMedian.toFixed(3)} photos/s [${c.newPhotosPerSecond.join(', ')}] → new/old ×${c.ratio.toFixed(3)} (load median ${c.loadAvg1})`,
      );
      // The report's run for this build: every round's photos together (stage medians over all of them).
      const all = summarize(count, o.maxNewTokens, newRuns.flatMap((x) => x.perImage), newRuns.reduce((a, x) => a + x.wallMs, 0));
      runs.push(Object.assign(all, { startedAt, endedAt: Date.now() }));
    }
    const l = loads.new;
    return {
      modelLoadMs: l.ms,
      runs,
      runtime: { ...l.info, crossOriginIsolated: l.crossOriginIsolated, hardwareConcurrency: l.cores, userAgent: l.userAgent, oldModelLoadMs: Math.round(loads.old.ms) },
      ingestCompare,
    };
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
    profiles.old.remove();
    profiles.new.remove();
  }
}
