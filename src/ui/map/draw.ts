// One frame of the map on a 2D canvas: every photo in view as a tile (its thumbnail once tiles are
// big enough, else a square of its group's colour, batched into one path per colour), search hits
// on top with a ring and the rest dimmed, then the group labels. Returns what it drew (the test
// hooks and bench:ui read it).
import type { ClusterLabel } from '../../core/map';
import type { Camera } from './camera';
import type { ThumbCache } from './thumb-cache';

/** Below this tile size thumbnails are not worth decoding: squares are drawn. */
export const THUMB_MIN_TILE = 20;
/** Past this many photos in view, squares too: a frame of more drawImage calls would miss 16 ms. */
export const THUMB_MAX_IN_VIEW = 600;

export interface Frame {
  ids: Int32Array;
  positions: Float32Array;
  labels: readonly ClusterLabel[];
  /** Search hits (ids); undefined when no search is active. */
  hits: ReadonlySet<number> | undefined;
  /** Index of the photo with keyboard focus, or -1. */
  focus: number;
  camera: Camera;
  tile: number;
  width: number;
  height: number;
  thumbs: ThumbCache;
  colors: { tile: string; hit: string; label: string; labelBg: string; focus: string };
}

export interface DrawStats {
  drawn: number;
  hits: number;
  dimmed: number;
  thumbs: number;
}

export function drawFrame(ctx: CanvasRenderingContext2D, f: Frame): DrawStats {
  const { camera: c, tile, positions, ids } = f;
  const half = tile / 2;
  ctx.clearRect(0, 0, f.width, f.height);
  f.thumbs.resetQueue();
  const stats: DrawStats = { drawn: 0, hits: 0, dimmed: 0, thumbs: 0 };
  const hitIdx: number[] = [];
  const squares = new Path2D();
  const n = ids.length;
  const inView: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = positions[2 * i]! * c.scale + c.x, y = positions[2 * i + 1]! * c.scale + c.y;
    if (x >= -half && y >= -half && x <= f.width + half && y <= f.height + half) inView.push(i);
  }
  const useThumbs = tile >= THUMB_MIN_TILE && inView.length <= THUMB_MAX_IN_VIEW;
  ctx.globalAlpha = f.hits ? 0.18 : 1;
  for (const i of inView) {
    const x = positions[2 * i]! * c.scale + c.x, y = positions[2 * i + 1]! * c.scale + c.y;
    stats.drawn++;
    if (f.hits?.has(ids[i]!)) {
      hitIdx.push(i);
      continue;
    }
    if (f.hits) stats.dimmed++;
    const bitmap = useThumbs ? f.thumbs.get(ids[i]!) : undefined;
    if (bitmap) {
      ctx.drawImage(bitmap, x - half, y - half, tile, tile);
      stats.thumbs++;
    } else squares.rect(x - half, y - half, tile, tile);
  }
  ctx.fillStyle = f.colors.tile;
  ctx.fill(squares);
  ctx.globalAlpha = 1;
  // Hits last, so nothing dimmed covers them.
  const ring = Math.max(2, tile / 10);
  ctx.fillStyle = f.colors.hit;
  for (const i of hitIdx) {
    const x = positions[2 * i]! * c.scale + c.x, y = positions[2 * i + 1]! * c.scale + c.y;
    ctx.fillRect(x - half - ring, y - half - ring, tile + 2 * ring, tile + 2 * ring);
    const bitmap = useThumbs ? f.thumbs.get(ids[i]!) : undefined;
    if (bitmap) {
      ctx.drawImage(bitmap, x - half, y - half, tile, tile);
      stats.thumbs++;
    }
    stats.hits++;
  }
  if (f.focus >= 0 && f.focus < n) {
    const x = positions[2 * f.focus]! * c.scale + c.x, y = positions[2 * f.focus + 1]! * c.scale + c.y;
    ctx.strokeStyle = f.colors.focus;
    ctx.lineWidth = 3;
    ctx.strokeRect(x - half - 4, y - half - 4, tile + 8, tile + 8);
  }
  // Labels: canvas text, never HTML (tags come from captions, i.e. user data).
  ctx.font = '600 13px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (const l of f.labels) {
    const x = l.x * c.scale + c.x, y = l.y * c.scale + c.y;
    if (x < 0 || y < 0 || x > f.width || y > f.height) continue;
    const w = ctx.measureText(l.text).width + 12;
    ctx.fillStyle = f.colors.labelBg;
    ctx.fillRect(x - w / 2, y - 11, w, 22);
    ctx.fillStyle = f.colors.label;
    ctx.fillText(l.text, x, y);
  }
  return stats;
}
