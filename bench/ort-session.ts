// How long onnxruntime-web takes to create a session and run it, in Node (its wasm backend, no
// browser around it): per graph optimisation level, the session's creation, its first run and the
// median of 10 later runs of a 12-token input, 3 rounds. Set beside the browser's embedder start
// (bench:pack --timeline), it tells the graph's own cost from the start around it.
// Usage: npx tsx bench/ort-session.ts [model.onnx] [threads]
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { median } from './pipeline/stats.ts';

const model = readFileSync(process.argv[2] ?? 'models/test/bench/Xenova/all-MiniLM-L6-v2/onnx/model_quantized.onnx');
ort.env.wasm.numThreads = Number(process.argv[3] ?? 1);
const LEVELS = ['all', 'extended', 'basic', 'disabled'] as const;
const L = 12;
const ids = (f: (i: number) => number): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from({ length: L }, (_, i) => BigInt(f(i))), [1, L]);
const feeds = (): Record<string, ort.Tensor> => ({
  input_ids: ids((i) => (i === 0 ? 101 : i === L - 1 ? 102 : 1000 + i)),
  attention_mask: ids(() => 1),
  token_type_ids: ids(() => 0),
});
const got = new Map(LEVELS.map((l) => [l, { create: [] as number[], first: [] as number[], run: [] as number[] }]));
for (let r = 0; r < 3; r++) {
  for (const level of LEVELS) {
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: level, executionProviders: ['wasm'] });
    const t1 = performance.now();
    await session.run(feeds());
    const t2 = performance.now();
    const runs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const a = performance.now();
      await session.run(feeds());
      runs.push(performance.now() - a);
    }
    const g = got.get(level)!;
    g.create.push(t1 - t0);
    g.first.push(t2 - t1);
    g.run.push(median(runs));
    await session.release();
  }
}
console.log(`onnxruntime-web in Node, ${ort.env.wasm.numThreads} thread(s); medians of 3 rounds`);
for (const [level, g] of got) console.log(`${level.padEnd(9)} create ${median(g.create).toFixed(0)} ms, first run ${median(g.first).toFixed(0)} ms, later runs ${median(g.run).toFixed(1)} ms`);
