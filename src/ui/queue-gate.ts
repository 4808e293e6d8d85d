// A gate the indexing queue passes before each photo. Open unless a browser test holds it (through
// ?testHooks): then photos start only as the test lets them, so a click on Pause or Cancel lands
// while the queue runs on any machine, instead of racing a queue that may already be done.
export class QueueGate {
  private passes = Number.POSITIVE_INFINITY;
  private waiters: Array<() => void> = [];

  /** From now on only `passes` more photos may start. */
  hold(passes = 0): void {
    this.passes = passes;
  }

  /** Lets `n` more photos start. */
  allow(n: number): void {
    this.passes += n;
    this.wake();
  }

  /** Opens the gate for good. */
  release(): void {
    this.passes = Number.POSITIVE_INFINITY;
    this.wake();
  }

  /** Resolves when the next photo may start. */
  async pass(): Promise<void> {
    while (this.passes <= 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.passes--;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

export const queueGate = new QueueGate();
