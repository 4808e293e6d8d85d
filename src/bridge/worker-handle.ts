import * as Comlink from 'comlink';
import { AbortError, GlimpseError, isNamedError } from '../core/errors';

/** What every cancellable worker API exposes (see workers/lib/cancellable.ts). */
export interface Cancellable {
  cancel(callId: number): void;
}

export interface CallOptions {
  /** A cancelled call answers only once the worker has stopped (see call). */
  settle?: boolean;
  /** A read that changes nothing: re-sent once to the new worker if a restart took the first one. */
  restartable?: boolean;
  /** A cancel only asks the worker to stop, never terminates it (see call). */
  keepWorker?: boolean;
  /** Changes nothing and loads no model (a status read): a recycle waiting for the worker to go idle still happens after it. */
  idleRead?: boolean;
}

/** How long a worker may take to honour a cancel before we terminate it. */
const CANCEL_GRACE_MS = 750;

/**
 * Owns one worker: spawns it lazily, and on cancel first asks it to stop, then terminates
 * and replaces it if it does not settle in time (model inference cannot be interrupted).
 */
export class WorkerHandle<T extends Cancellable> {
  private worker: Worker | undefined;
  private proxy: Comlink.Remote<T> | undefined;
  private nextCallId = 1;
  /** Rejecters of calls in flight: a terminated worker never answers them. */
  private readonly inflight = new Set<(e: Error) => void>();
  /** Set by recycleWhenIdle while calls were in flight: the worker ends when the last one is answered. */
  private recycleDue = false;

  /** Runs first on every new worker (e.g. re-opening a pack in a worker replaced after a cancel). */
  onSpawn: ((remote: Comlink.Remote<T>) => void) | undefined;

  constructor(private readonly spawn: () => Worker) {}

  get remote(): Comlink.Remote<T> {
    if (!this.proxy) {
      this.worker = this.spawn();
      this.proxy = Comlink.wrap<T>(this.worker);
      this.onSpawn?.(this.proxy);
    }
    return this.proxy;
  }

  /**
   * Runs `invoke(callId)` on the worker; `signal` cancels it. Rejects with name 'AbortError'.
   * With `settle`, a cancelled call answers only once the worker has stopped (or was terminated):
   * with the worker's result if it finished anyway (a write that already landed), else AbortError.
   * A caller that must not report "stopped" while the worker may still write uses it.
   * With `keepWorker`, a cancel only asks the worker to stop (it never terminates it): for calls
   * that stop at their next check, on a worker that holds other work (the analysis worker indexes).
   */
  async call<R>(signal: AbortSignal | undefined, invoke: (remote: Comlink.Remote<T>, callId: number) => Promise<R>, opts: CallOptions = {}): Promise<R> {
    try {
      return await this.callOnce(signal, invoke, opts);
    } catch (e) {
      // Another call's cancel restarted the worker under this one (typing on cancels the previous
      // search; a slow engine lets its grace run out while the next search is already in flight).
      // A read is still wanted: it runs once more, on the new worker.
      if (opts.restartable && isNamedError(e, 'WorkerRestartedError') && !signal?.aborted) return this.callOnce(signal, invoke, opts);
      throw e;
    }
  }

  private async callOnce<R>(signal: AbortSignal | undefined, invoke: (remote: Comlink.Remote<T>, callId: number) => Promise<R>, opts: CallOptions): Promise<R> {
    if (signal?.aborted) throw new AbortError();
    const callId = this.nextCallId++;
    const remote = this.remote;
    let lost: (e: Error) => void = () => {};
    const orphaned = new Promise<never>((_, reject) => (lost = reject));
    this.inflight.add(lost);
    // New work wants what this worker holds (a model, a search's state): a waiting recycle is off.
    if (!opts.idleRead) this.recycleDue = false;
    const work = Promise.race([invoke(remote, callId), orphaned]);
    void work
      .catch(() => {})
      .finally(() => {
        this.inflight.delete(lost);
        if (this.recycleDue && this.inflight.size === 0) this.terminate();
      });
    if (!signal) return work;
    const answer = opts.settle
      ? work.catch((e: unknown) => {
          throw signal.aborted ? new AbortError() : e;
        })
      : work;
    let onAbort = (): void => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        void remote.cancel(callId);
        if (!opts.keepWorker) {
          const timer = setTimeout(() => this.terminate(), CANCEL_GRACE_MS);
          work.finally(() => clearTimeout(timer)).catch(() => {});
        }
        if (!opts.settle) reject(new AbortError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([answer, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Stops the worker now; the next call starts a fresh one. */
  terminate(): void {
    // Other calls on this worker are lost with it: say so (they may be retried) instead of hanging.
    for (const reject of this.inflight) reject(new GlimpseError('WorkerRestartedError', 'The worker was restarted while this was running; try again.'));
    this.inflight.clear();
    this.recycleDue = false;
    this.proxy?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.worker = undefined;
    this.proxy = undefined;
  }

  /** Ends the worker if no call is in flight (its memory goes back to the system); false if one is. */
  recycleIfIdle(): boolean {
    if (this.inflight.size > 0) return false;
    this.terminate();
    return true;
  }

  /**
   * Ends the worker now if no call is in flight, else once the calls in flight are answered (true:
   * ended now). Without the wait, a status read that happened to be in flight when indexing ended
   * kept the captioner's heap for the rest of the visit (seen in CI under load). A call started
   * meanwhile that is not an `idleRead` calls the recycle off: it wants this worker.
   */
  recycleWhenIdle(): boolean {
    if (this.recycleIfIdle()) return true;
    this.recycleDue = true;
    return false;
  }

  /** True while a worker process is alive (used by the self-check to show termination). */
  get alive(): boolean {
    return this.worker !== undefined;
  }
}
