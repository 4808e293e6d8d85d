// Background re-analysis as the person sees it: extra captions for photos indexed with one, and a
// re-index after other models were picked (only once the person agrees). It runs only while the
// indexing queue is idle and yields to it after the photo in hand. Views follow the worker's
// 'replaced' announcements (library-state, browse), not this loop.
import { modelConfig, outdatedForests, refreshNextImage, releaseCaptioner, staleImages, upgradeForests, type RefreshKind } from '../bridge/bridge';
import { SerialPasses } from '../core/tasks/serial-passes';
import { errorMessage, errorName, isAbort } from './errors';
import { hashMissing } from './hasher';
import { indexer } from './indexer.svelte';
import { models } from './model-state.svelte';

class Refresher {
  stale: Record<RefreshKind, number> = $state({ models: 0, captions: 0, text: 0 });
  /** The person asked to re-index photos described by other models. */
  reindexing = $state(false);
  running = $state(false);
  /** Search forests stored by an older build being rewritten: trees built of all (undefined: none). */
  upgrading: { done: number; total: number } | undefined = $state();
  error = $state('');
  private controller: AbortController | undefined;
  /** One pass at a time; a kick during a pass (a setting changed, photos were added, "Re-index them") buys one more. */
  private readonly passes = new SerialPasses(() => this.pass(), {
    canRun: () => this.idle(),
    onBusy: (busy) => {
      this.running = busy;
      // Low-memory mode: nothing left to describe, so the captioner goes (searches need only the embedder).
      if (!busy && this.idle() && modelConfig().lowMemory) void releaseCaptioner().then(() => models.reset(), () => {});
    },
  });

  async check(): Promise<void> {
    this.stale = await staleImages();
  }

  /** Starts a pass when there is something to do and the queue is idle. */
  kick(): void {
    this.passes.kick();
  }

  reindex(): void {
    this.reindexing = true;
    this.kick();
  }

  /** Stops re-indexing, or the forests' upgrade, now (the photo in hand is dropped, not half-written; the old forest stays). */
  cancel(): void {
    this.reindexing = false;
    this.controller?.abort();
  }

  private idle(): boolean {
    return !indexer.running && indexer.pending === 0 && !indexer.paused;
  }

  private wanted(): boolean {
    return this.stale.captions > 0 || this.stale.text > 0 || (this.reindexing && this.stale.models > 0);
  }

  private async pass(): Promise<void> {
    this.error = '';
    try {
      let after = 0;
      // After an update of the app: forests in an older format are rewritten first (they are
      // not searched until then; keyword search answers meanwhile).
      if (this.idle() && (await outdatedForests()) > 0) {
        this.controller = new AbortController();
        this.upgrading = { done: 0, total: 1 };
        try {
          await upgradeForests(this.controller.signal, (p) => (this.upgrading = p));
        } finally {
          this.upgrading = undefined;
        }
      }
      await this.check();
      while (this.idle() && this.wanted()) {
        this.controller = new AbortController();
        const next = await refreshNextImage(after, this.reindexing, this.controller.signal);
        if (!next) break;
        after = next.id;
        this.stale[next.kind] = Math.max(0, this.stale[next.kind] - 1);
      }
      await this.check();
      if (this.stale.models === 0) this.reindexing = false;
      // Photos from before perceptual hashes get theirs (near-duplicates), from their thumbnails.
      await hashMissing(() => this.idle());
    } catch (e) {
      // A cancel, or the worker restarted under us (indexing was cancelled): the next kick resumes.
      if (!isAbort(e) && errorName(e) !== 'WorkerRestartedError') this.error = `Updating descriptions stopped: ${errorMessage(e)}`;
    }
  }
}

export const refresher = new Refresher();
