import { describe, expect, it } from 'vitest';
import { buildForest, MemoryBlockStore } from '../../src/core/forest/index.ts';
import { inspectForest, inspectSteps, type LiveEntry } from '../../src/core/forest/inspect.ts';
import { createRng } from '../../src/core/forest/rng.ts';

// The consistency check streams a forest (issue 19: it held every block, ~120 MB at 10k photos):
// inspectSteps asks for blocks a step at a time and hands each live vector over as it is read.
describe('forest inspection in steps', () => {
  const N = 5000, DIM = 16;

  it('reads every block once, never more than one tree or 1,024 vectors at a time, and finds what the whole-map inspection finds', async () => {
    const rng = createRng(7);
    const vectors = Float32Array.from({ length: N * DIM }, () => rng.gauss());
    const store = new MemoryBlockStore();
    await buildForest(store, { dim: DIM, ids: Array.from({ length: N }, (_, i) => i + 1), vectors }, { seed: 1 });
    const blocks = new Map(store.keys().map((k) => [k, store.raw(k)!]));
    const leavesPerTree = Math.max(...store.keys().filter((k) => k.includes('/l/')).map((k) => Number(k.split('/').at(-1)) + 1));

    const asked: string[] = [];
    let largest = 0;
    const heard = new Map<number, LiveEntry>();
    const steps = inspectSteps(blocks.keys(), (id, entry) => heard.set(id, entry));
    let step = steps.next();
    while (!step.done) {
      asked.push(...step.value);
      largest = Math.max(largest, step.value.length);
      step = steps.next(step.value.map((k) => blocks.get(k)));
    }
    expect(step.value.issues).toEqual([]);
    expect(step.value.live.size).toBe(N);
    expect(asked.length).toBe(blocks.size);
    expect(new Set(asked).size).toBe(blocks.size);
    // The largest step: one tree's node pages and leaves, or 1,024 vector blocks.
    expect(largest).toBeLessThanOrEqual(Math.max(1024, leavesPerTree * 2));
    expect(largest).toBeLessThan(blocks.size / 4);

    const whole = inspectForest(blocks);
    expect(whole.issues).toEqual([]);
    expect([...heard.keys()].sort((a, b) => a - b)).toEqual([...whole.live.keys()].sort((a, b) => a - b));
    for (const [id, e] of whole.live) expect(heard.get(id)!.codes).toEqual(e.codes);
  });

  it('a block missing from the store is named, as in the whole-map inspection', async () => {
    const rng = createRng(8);
    const store = new MemoryBlockStore();
    await buildForest(store, { dim: DIM, ids: Array.from({ length: 2000 }, (_, i) => i + 1), vectors: Float32Array.from({ length: 2000 * DIM }, () => rng.gauss()) }, { seed: 1 });
    const blocks = new Map(store.keys().map((k) => [k, store.raw(k)!]));
    const gone = [...blocks.keys()].find((k) => k.includes('/v/'))!;
    blocks.delete(gone);
    const found = inspectForest(blocks).issues;
    expect(found).toEqual([{ kind: 'missing-block', detail: `block "${gone}" is missing` }]);
  });
});
