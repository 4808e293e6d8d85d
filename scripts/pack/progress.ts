// One terminal line: done/total, photos per second (of those analysed) and time left.
export class Progress {
  private readonly start = performance.now();
  private done_ = 0;
  private analysed = 0;
  private readonly tty = process.stderr.isTTY;

  constructor(private readonly total: number) {}

  tick(analysed: boolean): void {
    this.done_++;
    if (analysed) this.analysed++;
    const s = (performance.now() - this.start) / 1000;
    const rate = this.analysed / s;
    const left = this.total - this.done_;
    const eta = rate > 0 ? `${Math.ceil(left / rate)} s left` : '';
    const line = `${this.done_}/${this.total} photos · ${rate.toFixed(2)} photos/s · ${eta}`;
    // Without a terminal (CI logs) a line every 10 % instead of a redrawn one.
    if (this.tty) process.stderr.write(`\r${line}\x1b[K`);
    else if (this.done_ === this.total || this.done_ % Math.max(1, Math.round(this.total / 10)) === 0) process.stderr.write(`${line}\n`);
  }

  note(text: string): void {
    process.stderr.write(`${this.tty ? '\r\x1b[K' : ''}${text}\n`);
  }

  done(): void {
    if (this.tty) process.stderr.write('\n');
  }
}
