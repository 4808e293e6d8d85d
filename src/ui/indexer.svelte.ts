// The indexing queue as the person drives it. Files live in the worker's IndexedDB queue, so a
// reload resumes; this loop only asks the worker for one item at a time, so the page stays idle.
// The queue is shared by every tab on the library and one tab runs it (a Web Lock): the others
// add to it, show "Indexing in another tab…" and take over if that tab is closed.
import { asIndexer, clearQueue, dropQueued, enqueueFiles, indexerBusy, indexQueued, libraryStatus, onLibraryChange, queuedFiles, type PickedFile, type QueueOutcome } from '../bridge/bridge';
import { SerialPasses } from '../core/tasks/serial-passes';
import { coalesced } from './coalesce';
import { download } from './download.svelte';
import { errorMessage, errorName, isAbort } from './errors';
import { library } from './library-state.svelte';
import { models } from './model-state.svelte';
import { queueGate } from './queue-gate';

const PAUSED_KEY = 'glimpse.queue.paused';

export interface FileError {
  name: string;
  message: string;
}

class Indexer {
  pending = $state(0);
  done = $state(0);
  errors: FileError[] = $state([]);
  current = $state('');
  stage = $state('');
  running = $state(false);
  paused = $state(localStorage.getItem(PAUSED_KEY) === '1');
  /** Why the queue stopped on its own (storage full, models missing), for the person. */
  notice = $state('');
  rate = $state(0);
  /** False until the queue left by an earlier visit has been read: only then can "done" be true. */
  restored = $state(false);
  /** Another tab runs the shared queue; this one waits to take over if that tab goes away. */
  elsewhere = $state(false);
  private startedAt = 0;
  private doneAtStart = 0;
  private controller: AbortController | undefined;
  /** This tab's queue run, if one is going: cancel waits for it to stop. */
  private processing: Promise<void> = Promise.resolve();
  /**
   * One queue run at a time, waiting for the lock included. A start asked for while a run ends (a
   * file added just after the run's last read of the queue) buys one more run instead of being
   * dropped, which left the new photos queued with nothing running them.
   */
  private readonly runs = new SerialPasses(() => this.claimAndProcess(), {
    canRun: () => !this.paused,
    onError: (e) => (this.notice = `Indexing stopped: ${errorMessage(e)}`),
  });

  /**
   * Re-reads the shared queue's length. While another tab runs the queue, this one stands by to
   * take over; a free queue is left to the tab that added the files (it is about to start).
   */
  private readonly syncPending = coalesced(async () => {
    this.pending = (await libraryStatus()).pending;
    if (this.pending > 0 && !this.paused && !this.runs.busy && (await indexerBusy())) this.run();
  });

  constructor() {
    onLibraryChange((c) => {
      if (c.kind !== 'added' && c.kind !== 'removed' && c.kind !== 'replaced') this.syncPending();
    });
    // Pause is the shared queue's, whichever tab pressed it (localStorage tells the other tabs).
    window.addEventListener('storage', (e) => {
      if (e.key !== PAUSED_KEY) return;
      this.paused = e.newValue === '1';
      if (!this.paused) this.syncPending();
    });
  }

  get total(): number {
    return this.done + this.pending;
  }

  get etaSeconds(): number | undefined {
    return this.rate > 0 ? this.pending / this.rate : undefined;
  }

  /** Picks up a queue left by an earlier visit (unless the person paused it). */
  async restore(): Promise<void> {
    try {
      this.pending = (await libraryStatus()).pending;
    } finally {
      this.restored = true;
    }
    if (this.pending > 0 && !this.paused) this.run();
  }

  async add(files: PickedFile[]): Promise<void> {
    if (files.length === 0) return;
    if (!this.running && this.pending === 0) this.resetSession();
    try {
      await enqueueFiles(files);
      this.pending = (await libraryStatus()).pending;
    } catch (e) {
      this.notice = errorName(e) === 'QuotaExceededError' ? 'The device storage is full: free some space (or remove images), then add the photos again.' : `Could not queue the files: ${errorMessage(e)}`;
      return;
    }
    if (!this.paused) this.run();
  }

  pause(): void {
    this.setPaused(true);
    this.stage = 'Pausing after this photo…';
  }

  resume(): void {
    this.setPaused(false);
    this.notice = '';
    this.run();
  }

  /**
   * Stops the photo being analysed (through its AbortSignal) and empties the queue. The progress
   * stays up until the worker has stopped: a photo whose write had already begun lands first,
   * so the count shown after "Cancelled" does not change later.
   */
  async cancel(): Promise<void> {
    this.setPaused(true);
    this.stage = 'Cancelling…';
    this.controller?.abort();
    await this.processing;
    await clearQueue();
    this.pending = 0;
    this.setPaused(false);
    this.stage = 'Cancelled';
  }

  private setPaused(v: boolean): void {
    this.paused = v;
    localStorage.setItem(PAUSED_KEY, v ? '1' : '0');
  }

  private resetSession(): void {
    this.done = 0;
    this.errors = [];
    this.rate = 0;
  }

  /** Runs the shared queue, or waits while another tab runs it and then takes over. */
  private run(): void {
    this.runs.kick();
  }

  private async claimAndProcess(): Promise<void> {
    try {
      if (await asIndexer(() => (this.processing = this.process()), false)) return;
      this.elsewhere = true;
      await asIndexer(async () => {
        this.elsewhere = false;
        await (this.processing = this.process());
      }, true);
    } finally {
      this.elsewhere = false;
    }
  }

  private async process(): Promise<void> {
    // The tab that ran the queue before may have paused it; an empty queue needs no models.
    this.paused = localStorage.getItem(PAUSED_KEY) === '1';
    let batch = await queuedFiles();
    this.pending = batch.length;
    if (batch.length === 0 || this.paused) return;
    this.running = true;
    this.notice = '';
    this.startedAt = performance.now();
    this.doneAtStart = this.done;
    try {
      this.stage = 'Waiting for your answer about the model download';
      // Declined: the photos wait (asked again on the next visit, or "Download models" now).
      if (!(await download.ensure())) return void this.stop('New photos wait until the models are downloaded ("Download models"). Search still finds photos already indexed.', false);
      this.stage = 'Loading models';
      await models.ensure();
      while (batch.length > 0 && !this.paused) {
        for (const item of batch) {
          await queueGate.pass();
          if (this.paused) break;
          this.current = item.name;
          this.stage = 'Describing and indexing';
          if (!(await this.one(item.id, item.name))) return;
        }
        batch = await queuedFiles();
        this.pending = batch.length;
      }
    } catch (e) {
      // A cut download starts again on the next visit by itself: the pause is this visit's only.
      this.stop(`Indexing stopped: ${errorMessage(e)}`, errorName(e) !== 'ModelDownloadError');
    } finally {
      this.running = false;
      this.current = '';
      this.stage = this.paused ? 'Paused' : '';
    }
  }

  /** Indexes one queued item; false when the queue must stop. */
  private async one(queueId: number, name: string): Promise<boolean> {
    this.controller = new AbortController();
    let outcome: QueueOutcome;
    try {
      outcome = await indexQueued(queueId, this.controller.signal);
      // Gone from the shared queue meanwhile (cancelled in another tab): nothing happened here.
      if (outcome.status === 'missing') return true;
    } catch (e) {
      if (isAbort(e)) return false;
      if (errorName(e) === 'QuotaExceededError') return this.stop(`The device storage is full while adding ${name}. Free some space or remove images, then press Resume.`);
      if (errorName(e) === 'ModelUnavailableError') return this.stop(errorMessage(e));
      if (errorName(e) === 'ModelDownloadError') return this.stop(errorMessage(e), false);
      // The worker was restarted under this photo (another call's cancel): nothing is wrong with
      // the file. It stays queued and is taken again with the next batch.
      if (errorName(e) === 'WorkerRestartedError') return true;
      // The database failed, not this file: keep it queued.
      if (errorName(e) === 'StorageError') return this.stop(`Could not store ${name}: ${errorMessage(e)} Press Resume to try again.`);
      // Any other failure belongs to this file: show it, drop it, go on.
      this.errors.push({ name, message: `${errorMessage(e)} Try another copy of the file.` });
      await dropQueued(queueId);
      outcome = { status: 'missing' };
    }
    if (outcome.status === 'rejected') this.errors.push({ name, message: outcome.message });
    if (outcome.status === 'indexed') library.added();
    this.done++;
    this.pending = Math.max(0, this.pending - 1);
    const seconds = (performance.now() - this.startedAt) / 1000;
    this.rate = seconds > 0 ? (this.done - this.doneAtStart) / seconds : 0;
    return true;
  }

  /** Stops the queue with a message; `persist`: the pause outlives this visit (else the next visit resumes). */
  private stop(message: string, persist = true): false {
    this.notice = message;
    if (persist) this.setPaused(true);
    else this.paused = true;
    return false;
  }
}

export const indexer = new Indexer();
