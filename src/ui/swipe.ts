// A horizontal one-finger swipe, from pointer events (no gesture library: this is all it takes).
// The element sets `touch-action: pan-y`, so the browser keeps vertical scrolling and hands
// horizontal moves to us; a vertical pan cancels the gesture (pointercancel). Mouse drags are
// left alone: on a desktop the arrow buttons and keys move, and dragging an image is a drag.

export interface SwipeOptions {
  onleft: () => void;
  onright: () => void;
}

/** Fraction of the element's width, capped, that a finger must travel to count as a swipe. */
const DISTANCE = 0.18;
const MAX_DISTANCE = 80;

/** Svelte action: calls onleft/onright on a swipe; sets `--swipe-dx` (px) while the finger moves, for feedback. */
export function swipe(node: HTMLElement, options: SwipeOptions): { update: (o: SwipeOptions) => void; destroy: () => void } {
  let current = options;
  let pointer: number | undefined;
  let x0 = 0;
  let y0 = 0;
  const setDx = (dx: number): void => node.style.setProperty('--swipe-dx', `${dx}px`);
  const reset = (): void => {
    pointer = undefined;
    setDx(0);
  };
  const down = (e: PointerEvent): void => {
    if (e.pointerType === 'mouse' || !e.isPrimary) return;
    pointer = e.pointerId;
    x0 = e.clientX;
    y0 = e.clientY;
  };
  const move = (e: PointerEvent): void => {
    if (e.pointerId === pointer) setDx(e.clientX - x0);
  };
  const up = (e: PointerEvent): void => {
    if (e.pointerId !== pointer) return;
    reset();
    const dx = e.clientX - x0;
    const dy = e.clientY - y0;
    if (Math.abs(dx) < Math.min(MAX_DISTANCE, node.clientWidth * DISTANCE) || Math.abs(dx) < 1.5 * Math.abs(dy)) return;
    if (dx < 0) current.onleft();
    else current.onright();
  };
  node.addEventListener('pointerdown', down);
  node.addEventListener('pointermove', move);
  node.addEventListener('pointerup', up);
  node.addEventListener('pointercancel', reset);
  return {
    update: (o) => (current = o),
    destroy: () => {
      node.removeEventListener('pointerdown', down);
      node.removeEventListener('pointermove', move);
      node.removeEventListener('pointerup', up);
      node.removeEventListener('pointercancel', reset);
    },
  };
}
