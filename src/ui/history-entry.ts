// An overlay (the detail view) as a step in the browser's history: the back button, or a phone's
// back gesture, closes it instead of leaving the app; closing it any other way takes the step back
// out, so the next back press does what the person expects.

const STATE = { glimpseOverlay: true };

/**
 * Pushes a history entry for an overlay that has just opened. `onback` runs when the person goes
 * back. Call the returned function when the overlay closes otherwise: it pops the entry (once).
 */
export function overlayEntry(onback: () => void): () => void {
  history.pushState(STATE, '');
  let open = true;
  const popped = (): void => {
    if (!open) return;
    open = false;
    removeEventListener('popstate', popped);
    onback();
  };
  addEventListener('popstate', popped);
  return () => {
    if (!open) return;
    open = false;
    removeEventListener('popstate', popped);
    history.back();
  };
}
