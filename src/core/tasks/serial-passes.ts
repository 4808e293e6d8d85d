// One background pass at a time, and a request that comes while a pass runs is never lost: it
// buys exactly one more pass after the current one. The refresher used to check "asked again?"
// before its last awaits (a final count, perceptual hashes), so a click on "Re-index them" in that
// window was dropped and the re-index never started (seen in CI under load).

export interface SerialPassesOptions {
  /** Whether a further pass may start now (the refresher: the indexing queue is idle). A refused request waits for the next kick. */
  canRun?: () => boolean;
  /** Told when the first pass starts (true) and when the last one ends (false). */
  onBusy?: (busy: boolean) => void;
  /** A pass that throws ends the series; the error lands here. */
  onError?: (e: unknown) => void;
}

export class SerialPasses {
  private running = false;
  private again = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly opts: SerialPassesOptions = {},
  ) {}

  get busy(): boolean {
    return this.running;
  }

  /** Starts a pass now, or asks for one more after the pass in hand. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    void this.series();
  }

  private async series(): Promise<void> {
    this.running = true;
    this.opts.onBusy?.(true);
    try {
      do {
        this.again = false;
        await this.pass();
        // No await between this test and `running = false`: a kick lands either before it (seen
        // here) or after it (starts a new series).
      } while (this.again && (this.opts.canRun?.() ?? true));
    } catch (e) {
      this.opts.onError?.(e);
    } finally {
      this.running = false;
      this.opts.onBusy?.(false);
    }
  }
}
