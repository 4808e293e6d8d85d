// Which rows of a long card grid are near the viewport: a big library's grid keeps only those in
// the DOM (with the rest's height as padding), so scrolling through thousands of photos, clearing
// them, or switching to search results costs the same as a few screens of cards. Cards are of one
// height in such a grid (the caption keeps room for its three lines), so a row is one measure.
// (About 20 lines of arithmetic; a virtual-list library would need more glue than this.)

/** Below this many cards the whole grid is in the DOM (find in page, every card there for tests). */
export const WINDOW_FROM = 240;

export interface RowWindow {
  /** First and one past the last row in the DOM. */
  start: number;
  end: number;
}

/**
 * Rows overlapping the viewport, plus `overscan` screens' worth above and below.
 * `top` is the grid's top relative to the viewport (getBoundingClientRect().top).
 */
export function rowWindow(rows: number, rowHeight: number, top: number, viewport: number, overscan = 1): RowWindow {
  if (rows === 0 || rowHeight <= 0) return { start: 0, end: Math.min(rows, 1) };
  const margin = overscan * viewport;
  const start = Math.max(0, Math.floor((-top - margin) / rowHeight));
  const end = Math.min(rows, Math.max(start + 1, Math.ceil((viewport - top + margin) / rowHeight)));
  return { start: Math.min(start, rows - 1), end };
}
