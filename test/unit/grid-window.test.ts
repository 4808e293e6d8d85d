import { describe, expect, it } from 'vitest';
import { rowWindow } from '../../src/ui/grid-window';

describe('rowWindow: the rows of a long grid kept in the DOM', () => {
  it('covers the viewport and one screen above and below, no more', () => {
    // 1,000 rows of 300 px, the grid's top 30,000 px above the viewport's (row 100 at the top), an 800-px viewport.
    const w = rowWindow(1000, 300, -30_000, 800);
    expect(w.start).toBeLessThanOrEqual(100 - Math.ceil(800 / 300));
    expect(w.end).toBeGreaterThanOrEqual(100 + Math.ceil((2 * 800) / 300));
    expect(w.end - w.start).toBeLessThanOrEqual(Math.ceil((3 * 800) / 300) + 2);
  });
  it('starts at the first row at the top of the page and ends at the last one at the bottom', () => {
    expect(rowWindow(1000, 300, 200, 800).start).toBe(0);
    const end = rowWindow(1000, 300, -(1000 * 300 - 800), 800);
    expect(end.end).toBe(1000);
    expect(end.start).toBeGreaterThan(990);
  });
  it('keeps one row when nothing is measured yet, none when there are none', () => {
    expect(rowWindow(50, 0, 0, 800)).toEqual({ start: 0, end: 1 });
    expect(rowWindow(0, 300, 0, 800)).toEqual({ start: 0, end: 0 });
  });
});
