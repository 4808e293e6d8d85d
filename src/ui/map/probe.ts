// What the map shows, for the browser tests and bench:ui (through ?testHooks): photos' screen
// positions on the canvas, and how long recent frames took to draw.
export interface MapProbe {
  /** Photos in view: id and CSS-pixel position within the canvas. */
  points(): { id: number; x: number; y: number }[];
  /** Draw time of recent frames, ms (newest last; at most 2,000). */
  frameMs: number[];
}

let current: MapProbe | undefined;

export function setMapProbe(p: MapProbe | undefined): void {
  current = p;
}

export function mapProbe(): MapProbe | undefined {
  return current;
}
