// The first model download as the person sees it: before anything comes from the Hugging Face hub,
// Glimpse says how much it will fetch (the manifest's sizes of the files not yet on this device)
// and asks. A yes is kept (later visits and cut downloads do not ask again); a "Not now" leaves
// keyword search working and new photos waiting in the queue, and is asked again on the next need.
import { downloadPlan, grantHubConsent, hubConsent, type DownloadPlan } from '../bridge/bridge';
import { models } from './model-state.svelte';

class ModelDownload {
  plan: DownloadPlan | undefined = $state();
  /** The question is on screen. */
  asking = $state(false);
  /** The person said "Not now" during this visit. */
  declined = $state(false);
  private answer: ((yes: boolean) => void) | undefined;
  private pending: Promise<boolean> | undefined;

  /** Bytes the hub would send, by the manifest (approximate for weights this app does not hold). */
  get bytes(): number {
    return this.plan?.hubBytes ?? 0;
  }

  /** Downloaded so far of this visit's hub files, and their total (a file's real size once it started). */
  get progress(): { loaded: number; total: number } {
    let loaded = 0;
    let total = 0;
    for (const f of this.plan?.files ?? []) {
      if (f.source !== 'hub') continue;
      const p = models.files[`${f.model}/${f.path}`];
      loaded += p?.done ? (p.total || p.loaded) : (p?.loaded ?? 0);
      total += p?.total || f.bytes;
    }
    return { loaded, total };
  }

  /**
   * Resolves true when the models may load: nothing needs the hub, or the person agreed (asked now
   * if not yet). Concurrent callers share one question.
   */
  ensure(): Promise<boolean> {
    if (hubConsent()) return Promise.resolve(true);
    this.pending ??= this.ask().finally(() => (this.pending = undefined));
    return this.pending;
  }

  accept(): void {
    grantHubConsent();
    // Loads that failed for want of the yes are tried again.
    if (models.error) models.reset();
    this.asking = false;
    this.declined = false;
    this.answer?.(true);
    this.answer = undefined;
  }

  decline(): void {
    this.asking = false;
    this.declined = true;
    this.answer?.(false);
    this.answer = undefined;
  }

  private async ask(): Promise<boolean> {
    this.plan = await downloadPlan();
    // Everything is cached or self-hosted, or the hub is off (the load then says what is missing).
    if (this.plan.hubFiles === 0) return true;
    this.asking = true;
    return new Promise((resolve) => (this.answer = resolve));
  }
}

export const download = new ModelDownload();
