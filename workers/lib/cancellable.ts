// Worker half of cancellation. An AbortSignal cannot cross postMessage, so each long call
// carries a callId; the bridge calls `cancel(callId)` when its signal fires, which aborts the
// matching controller here. Work that never yields is stopped by the bridge terminating us.

const controllers = new Map<number, AbortController>();

export async function runCancellable<T>(callId: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  controllers.set(callId, controller);
  try {
    return await work(controller.signal);
  } finally {
    controllers.delete(callId);
  }
}

export function cancel(callId: number): void {
  controllers.get(callId)?.abort();
}
