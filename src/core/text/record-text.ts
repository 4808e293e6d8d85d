// The text that represents an image for the sentence embedder: its captions, then its
// de-duplicated triplets as short clauses (they restate who does what, which SBERT weighs well).
import type { AnalyticsRecord } from './record.ts';

export function recordText(record: Pick<AnalyticsRecord, 'captions' | 'triplets'>): string {
  const clauses = record.triplets.map((t) => [t.s, t.r, t.o].filter((w) => w.length > 0).join(' '));
  return [...record.captions, ...clauses].join('. ');
}
