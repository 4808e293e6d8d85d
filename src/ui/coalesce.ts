// Bursts of change notices (another tab indexing, say) become few re-reads: at most one runs at
// a time, and calls made meanwhile fold into one more run after it, so the last notice is never missed.
export function coalesced(fn: () => Promise<void>): () => void {
  let busy = false;
  let again = false;
  const run = async (): Promise<void> => {
    busy = true;
    try {
      do {
        again = false;
        // A failed re-read is retried at the next notice; there is no one to tell here.
        await fn().catch(() => undefined);
      } while (again);
    } finally {
      busy = false;
    }
  };
  return () => {
    if (busy) again = true;
    else void run();
  };
}
