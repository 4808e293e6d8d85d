// Two small heaps on typed arrays (no per-item objects in the hot loop).

/**
 * Max-heap of (priority, tree, node, depth) for best-first descent over all trees. Equal
 * priorities are common (a child inherits its parent's bound), so ties are broken by tree, then
 * depth, then node: the order is total and a child always ranks after its parent, so the pops do
 * not depend on when items were pushed (a descent that expands resident nodes while pages load
 * reaches the leaves a fully resident one does, in the same order).
 */
export class NodeQueue {
  private pri = new Float64Array(256);
  /** tree << 16 | depth: ascending ranks first among equal priorities. */
  private tie = new Int32Array(256);
  private node = new Int32Array(256);
  size = 0;

  clear(): void {
    this.size = 0;
  }

  push(p: number, t: number, n: number, depth: number): void {
    if (this.size === this.pri.length) this.grow();
    let i = this.size++;
    const pri = this.pri, tie = this.tie, node = this.node, k = (t << 16) | depth;
    while (i > 0) {
      const up = (i - 1) >> 1;
      const pu = pri[up];
      if (pu > p || (pu === p && (tie[up] < k || (tie[up] === k && node[up] < n)))) break;
      pri[i] = pu;
      tie[i] = tie[up];
      node[i] = node[up];
      i = up;
    }
    pri[i] = p;
    tie[i] = k;
    node[i] = n;
  }

  topPriority(): number {
    return this.pri[0];
  }
  topTree(): number {
    return this.tie[0] >>> 16;
  }
  topDepth(): number {
    return this.tie[0] & 0xffff;
  }
  topNode(): number {
    return this.node[0];
  }

  pop(): void {
    const n = --this.size;
    if (n === 0) return;
    const pri = this.pri, tie = this.tie, node = this.node;
    const p = pri[n], k = tie[n], nd = node[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n) {
        const a = pri[c + 1], b = pri[c];
        if (a > b || (a === b && (tie[c + 1] < tie[c] || (tie[c + 1] === tie[c] && node[c + 1] < node[c])))) c++;
      }
      const pc = pri[c];
      if (pc < p || (pc === p && (tie[c] > k || (tie[c] === k && node[c] > nd)))) break;
      pri[i] = pc;
      tie[i] = tie[c];
      node[i] = node[c];
      i = c;
    }
    pri[i] = p;
    tie[i] = k;
    node[i] = nd;
  }

  private grow(): void {
    const cap = this.pri.length * 2;
    const pri = new Float64Array(cap), tie = new Int32Array(cap), node = new Int32Array(cap);
    pri.set(this.pri);
    tie.set(this.tie);
    node.set(this.node);
    this.pri = pri;
    this.tie = tie;
    this.node = node;
  }
}

/** Keeps the k best (highest score) slots seen; min-heap on score. */
export class TopK {
  readonly scores: Float64Array;
  readonly slots: Int32Array;
  size = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.slots = new Int32Array(k);
  }

  /** Lowest kept score, or -Infinity while not full: callers can skip work below it. */
  floor(): number {
    return this.size < this.k ? -Infinity : this.scores[0];
  }

  push(score: number, slot: number): void {
    const s = this.scores, sl = this.slots;
    let i: number;
    if (this.size < this.k) {
      i = this.size++;
      while (i > 0) {
        const up = (i - 1) >> 1;
        if (s[up] <= score) break;
        s[i] = s[up];
        sl[i] = sl[up];
        i = up;
      }
    } else {
      if (score <= s[0]) return;
      i = 0;
      const n = this.size;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && s[c + 1] < s[c]) c++;
        if (s[c] >= score) break;
        s[i] = s[c];
        sl[i] = sl[c];
        i = c;
      }
    }
    s[i] = score;
    sl[i] = slot;
  }

  /** Indices into scores/slots, best first. */
  order(): number[] {
    return Array.from({ length: this.size }, (_, i) => i).sort((a, b) => this.scores[b] - this.scores[a] || this.slots[a] - this.slots[b]);
  }
}
