// Splits a caption into plain-text segments, marking the words a match highlighted. The UI
// wraps marked segments in <mark> with Svelte markup: user data is never parsed as HTML.
export interface Segment {
  text: string;
  mark: boolean;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function highlightSegments(text: string, words: readonly string[]): Segment[] {
  const useful = words.filter((w) => w.trim().length > 0).sort((a, b) => b.length - a.length);
  if (useful.length === 0) return [{ text, mark: false }];
  const re = new RegExp(`\\b(${useful.map(escapeRe).join('|')})\\b`, 'giu');
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), mark: false });
    out.push({ text: m[0], mark: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), mark: false });
  return out;
}
