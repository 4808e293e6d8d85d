// Unsigned LEB128 varints, as the pack's indexes, slot tables and split keyword index store their
// numbers. Arithmetic, not bit shifts: values reach 2^32 and beyond (zigzag ids up to 2^33).

/** Hands the bytes of `n` (a non-negative integer below 2^53) to `put`, low group first. */
export function writeVarint(n: number, put: (byte: number) => void): void {
  for (; n >= 0x80; n = Math.floor(n / 0x80)) put((n % 0x80) | 0x80);
  put(n);
}

/** Appends `n` (a non-negative integer below 2^53) to `out`. */
export function pushVarint(out: number[], n: number): void {
  writeVarint(n, (b) => out.push(b));
}

/** Reads varints one after another from `bytes`. */
export class VarintReader {
  at = 0;
  constructor(protected readonly bytes: Uint8Array) {}

  /** The next value; RangeError with `short()`'s message when the bytes end inside it. */
  next(short: () => string): number {
    let n = 0, scale = 1;
    for (;;) {
      if (this.at >= this.bytes.length) throw new RangeError(short());
      const v = this.bytes[this.at++]!;
      n += (v & 0x7f) * scale;
      if (v < 0x80) return n;
      scale *= 0x80;
    }
  }

  /** Whether every byte was read. */
  get done(): boolean {
    return this.at === this.bytes.length;
  }
}
