import { describe, expect, it } from 'vitest';
import { SerialPasses } from '../../src/core/tasks/serial-passes';

const ticks = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

/** A pass that waits until released, counting its starts. */
function gatedPass() {
  const gates: Array<() => void> = [];
  let started = 0;
  const pass = (): Promise<void> => {
    started++;
    return new Promise((ok) => gates.push(ok));
  };
  return { pass, started: () => started, release: () => gates.shift()?.() };
}

describe('SerialPasses', () => {
  it('runs one pass per kick when idle, never two at once', async () => {
    const g = gatedPass();
    const busy: boolean[] = [];
    const s = new SerialPasses(g.pass, { onBusy: (b) => busy.push(b) });
    s.kick();
    s.kick();
    s.kick();
    expect(g.started()).toBe(1);
    g.release();
    await ticks(5);
    // The kicks during the pass bought exactly one more.
    expect(g.started()).toBe(2);
    g.release();
    await ticks(5);
    expect(g.started()).toBe(2);
    expect(s.busy).toBe(false);
    expect(busy).toEqual([true, false]);
  });

  it('a kick in the last moment of a pass (after all its awaits) still runs another pass', async () => {
    let runs = 0;
    const pass = async (): Promise<void> => {
      runs++;
      // Work with awaits, as the refresher's final count and hashing have.
      await ticks(3);
      if (runs === 1) s.kick();
    };
    const s = new SerialPasses(pass);
    s.kick();
    await ticks(20);
    expect(runs).toBe(2);
    expect(s.busy).toBe(false);
  });

  it('a kick from outside while the pass awaits its tail is not lost', async () => {
    // The CI failure's order: the pass has done its main work and is in its last await when the person clicks.
    for (const at of [0, 1, 2, 3, 4, 5, 6]) {
      let runs = 0;
      const s = new SerialPasses(async () => {
        runs++;
        await ticks(4);
      });
      s.kick();
      await ticks(at);
      s.kick();
      await ticks(30);
      // Kicked during the pass: one more pass; after it ended: a new series. Two either way.
      expect({ at, runs }).toEqual({ at, runs: 2 });
    }
  });

  it('does not start another pass while refused, and the next kick runs it', async () => {
    const g = gatedPass();
    let may = false;
    const s = new SerialPasses(g.pass, { canRun: () => may });
    s.kick();
    s.kick();
    g.release();
    await ticks(5);
    expect(g.started()).toBe(1);
    expect(s.busy).toBe(false);
    may = true;
    s.kick();
    expect(g.started()).toBe(2);
    g.release();
    await ticks(5);
  });

  it('a throwing pass ends the series, reports the error and frees the runner', async () => {
    const errors: unknown[] = [];
    const s = new SerialPasses(() => Promise.reject(new Error('boom')), { onError: (e) => errors.push(e) });
    s.kick();
    await ticks(5);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
    expect(s.busy).toBe(false);
  });
});
