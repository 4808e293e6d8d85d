// worker_threads entry: builds the trees it is sent (rows arrive as SharedArrayBuffer views).
import { parentPort } from 'node:worker_threads';
import { buildTreeBlocks, type TreeJob } from '../../src/core/forest/index.ts';

parentPort?.on('message', (job: TreeJob) => {
  const out = buildTreeBlocks(job);
  // Blocks share slab buffers: transfer each buffer once.
  parentPort?.postMessage(out, [...new Set(out.puts.map((p) => p.bytes.buffer as ArrayBuffer))]);
});
