// Builds trees on worker threads for BuildControl.buildTree (Node bench only; the app would use Web Workers).
import { Worker } from 'node:worker_threads';
import type { TreeBlocks, TreeJob } from '../../src/core/forest/index.ts';

export class TreePool {
  private readonly idle: Worker[] = [];
  private readonly waiting: ((w: Worker) => void)[] = [];
  private readonly all: Worker[] = [];

  /** `forest`: the forest module's URL the workers build with (default this checkout's). */
  constructor(size: number, forest?: string) {
    for (let i = 0; i < size; i++) {
      // A worker's entry is loaded before tsx's hooks apply, so a tiny JS entry imports the .ts through tsx.
      const entry = new URL('./tree-worker.ts', import.meta.url).href;
      const w = new Worker(`import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`, { eval: true, workerData: { forest } });
      this.all.push(w);
      this.idle.push(w);
    }
  }

  get size(): number {
    return this.all.length;
  }

  async build(job: TreeJob): Promise<TreeBlocks> {
    const w = this.idle.pop() ?? (await new Promise<Worker>((r) => this.waiting.push(r)));
    try {
      return await new Promise<TreeBlocks>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
        w.postMessage(job);
      });
    } finally {
      w.removeAllListeners('message');
      w.removeAllListeners('error');
      const next = this.waiting.shift();
      if (next) next(w);
      else this.idle.push(w);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
