// The text that represents an image for the sentence embedder: its captions, then its
// de-duplicated triplets as short clauses (they restate who does what, which SBERT weighs well),
// then the text read in the photo, if any (a search for "wifi password" should find the screenshot).
import type { AnalyticsRecord } from './record.ts';

export function recordText(record: Pick<AnalyticsRecord, 'captions' | 'triplets' | 'ocr'>): string {
  const clauses = record.triplets.map((t) => [t.s, t.r, t.o].filter((w) => w.length > 0).join(' '));
  const read = record.ocr?.text.replace(/\s+/g, ' ').trim();
  return [...record.captions, ...clauses, ...(read ? [`Text in the photo: ${read}`] : [])].join('. ');
}
