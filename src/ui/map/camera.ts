// The map's view: world (UMAP units) to screen (CSS pixels) is a uniform scale plus an offset.
// Pure arithmetic, shared by drawing, hit testing and the pointer and keyboard handlers.

export interface Camera {
  scale: number;
  x: number;
  y: number;
}

export interface Bounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function boundsOf(positions: Float32Array): Bounds {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < positions.length; i += 2) {
    x0 = Math.min(x0, positions[i]!); x1 = Math.max(x1, positions[i]!);
    y0 = Math.min(y0, positions[i + 1]!); y1 = Math.max(y1, positions[i + 1]!);
  }
  if (!Number.isFinite(x0)) return { x0: -1, y0: -1, x1: 1, y1: 1 };
  return { x0, y0, x1, y1 };
}

/** The camera that shows all of `b` inside a `width`×`height` view with `margin` pixels around. */
export function fit(b: Bounds, width: number, height: number, margin: number): Camera {
  const w = Math.max(b.x1 - b.x0, 1e-6), h = Math.max(b.y1 - b.y0, 1e-6);
  const scale = Math.max(1e-6, Math.min((width - 2 * margin) / w, (height - 2 * margin) / h));
  return { scale, x: width / 2 - scale * (b.x0 + b.x1) / 2, y: height / 2 - scale * (b.y0 + b.y1) / 2 };
}

/** Zooms by `factor` keeping the world point under screen point (sx, sy) where it is. */
export function zoomAt(c: Camera, factor: number, sx: number, sy: number, limits: { min: number; max: number }): Camera {
  const scale = Math.min(limits.max, Math.max(limits.min, c.scale * factor));
  const f = scale / c.scale;
  return { scale, x: sx - (sx - c.x) * f, y: sy - (sy - c.y) * f };
}

export const pan = (c: Camera, dx: number, dy: number): Camera => ({ ...c, x: c.x + dx, y: c.y + dy });

/** Side of a photo's tile in pixels: at the fitted view about what the photos' share of the view
 *  allows, then growing with the zoom, from a dot to a thumbnail. */
export function tileSize(c: Camera, fitScale: number, count: number, width: number, height: number): number {
  const base = Math.max(6, Math.min(72, 0.6 * Math.sqrt((width * height) / Math.max(1, count))));
  return Math.max(6, Math.min(160, base * (c.scale / fitScale)));
}

/** Index of the topmost photo whose tile holds screen point (sx, sy), or -1. Later photos are drawn on top. */
export function hitTest(positions: Float32Array, c: Camera, tile: number, sx: number, sy: number): number {
  const half = tile / 2;
  for (let i = positions.length / 2 - 1; i >= 0; i--) {
    const x = positions[2 * i]! * c.scale + c.x, y = positions[2 * i + 1]! * c.scale + c.y;
    if (Math.abs(sx - x) <= half && Math.abs(sy - y) <= half) return i;
  }
  return -1;
}

/** Index of the photo nearest to screen point (sx, sy) (keyboard focus), or -1 when there is none. */
export function nearest(positions: Float32Array, c: Camera, sx: number, sy: number): number {
  let best = -1, bestD = Infinity;
  for (let i = 0; i < positions.length / 2; i++) {
    const dx = positions[2 * i]! * c.scale + c.x - sx, dy = positions[2 * i + 1]! * c.scale + c.y - sy;
    const d = dx * dx + dy * dy;
    if (d < bestD) [best, bestD] = [i, d];
  }
  return best;
}
