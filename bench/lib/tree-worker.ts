// worker_threads entry: builds the trees it is sent (rows arrive as SharedArrayBuffer views), with
// the forest module it is given (workerData; another checkout's for bench/index-ab.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { TreeJob } from '../../src/core/forest/index.ts';

const { buildTreeBlocks } = (await import((workerData as { forest?: string } | undefined)?.forest ?? '../../src/core/forest/index.ts')) as typeof import('../../src/core/forest/index.ts');
parentPort?.on('message', (job: TreeJob) => {
  const out = buildTreeBlocks(job);
  // Blocks share slab buffers: transfer each buffer once.
  parentPort?.postMessage(out, [...new Set(out.puts.map((p) => p.bytes.buffer as ArrayBuffer))]);
});
