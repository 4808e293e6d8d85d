// The slots a search keeps by their bounds (score.ts), and the cut of them into the first list
// and the rest without a comparator sort over all of them.

/** Slots kept by their bounds (see the file comment): estimate, ε·σ⊥ (the upper bound's) and slot, in arrival order. */
export class Kept {
  est = new Float64Array(256);
  err = new Float32Array(256);
  slot = new Int32Array(256);
  n = 0;

  push(est: number, err: number, slot: number): void {
    if (this.n === this.slot.length) {
      const grow = <T extends Float64Array | Float32Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.est = grow(this.est);
      this.err = grow(this.err);
      this.slot = grow(this.slot);
    }
    this.est[this.n] = est;
    this.err[this.n] = err;
    this.slot[this.n++] = slot;
  }
}

/** Best estimate first, ties by slot (slots are distinct, so the order is total). */
export const byEstimate = (c: Kept) => (a: number, b: number): number => c.est[b] - c.est[a] || c.slot[a] - c.slot[b];

/**
 * The kept slots (indices into `c`) in byEstimate order, cut after `first`: `head` (the first
 * list, sorted), `after` (slots tied with the head's last estimate that did not fit, sorted) and
 * `tail` (every lower estimate, unsorted: the caller sorts the few whose bound still passes).
 * head + after + sorted tail is exactly the full sort, without a comparator over the hundreds
 * kept (a CPU profile of glove at searchK 4k put most of the exact step in that sort): the cut
 * comes from a native sort of the estimates alone.
 */
export function splitKept(c: Kept, kept: number[], first: number): { head: number[]; after: number[]; tail: number[] } {
  const cmp = byEstimate(c), n = kept.length;
  if (n <= 2 * first) {
    kept.sort(cmp);
    return { head: kept.slice(0, first), after: kept.slice(first), tail: [] };
  }
  const ests = new Float64Array(n);
  for (let j = 0; j < n; j++) ests[j] = c.est[kept[j]];
  ests.sort();
  // The first-th best estimate: every slot above it is in the head, ties are settled by slot.
  const cut = ests[n - first];
  const top = kept.filter((i) => c.est[i] >= cut).sort(cmp);
  return { head: top.slice(0, first), after: top.slice(first), tail: kept.filter((i) => c.est[i] < cut) };
}
