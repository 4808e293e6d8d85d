// A Svelte action: calls `onnear` once, when the element first comes within `margin` of the
// viewport. An open pack reads a result's row and thumbnail over the network, so only the cards a
// person can see (or is about to) ask for theirs.

/** Below the fold this far still counts as near (a scroll's worth arrives in time). */
export const NEAR_MARGIN = '200px';

export function nearView(node: Element, onnear: (() => void) | undefined): { update: (cb: (() => void) | undefined) => void; destroy: () => void } {
  let cb = onnear;
  let observer: IntersectionObserver | undefined;
  const watch = (): void => {
    observer?.disconnect();
    observer = undefined;
    if (!cb) return;
    observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        observer?.disconnect();
        observer = undefined;
        cb?.();
      },
      { rootMargin: `${NEAR_MARGIN} 0px ${NEAR_MARGIN} 0px` },
    );
    observer.observe(node);
  };
  watch();
  return {
    update: (next) => {
      if (next === cb) return;
      cb = next;
      watch();
    },
    destroy: () => observer?.disconnect(),
  };
}
