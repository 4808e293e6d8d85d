import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Two workers share the files; the slowest started last would run on alone at the end. Vitest
// orders by the durations it cached from an earlier run, and without them (a clean clone, as in CI)
// by file size, which puts the short kill-loop file last. Seconds per file, CI at f0ab922: a hint
// used only where no cached duration exists.
const SLOW: Record<string, number> = {
  'test/browser/interruptions.test.ts': 112,
  'test/browser/webgpu.test.ts': 75,
  'test/browser/engines-flow.test.ts': 71,
  'test/browser/library-import-kills.test.ts': 71,
  'test/browser/library-file.test.ts': 62,
  'test/browser/first-visit.test.ts': 50,
  'test/browser/browse.test.ts': 47,
  'test/browser/e2e.test.ts': 42,
  'test/browser/engines-smoke.test.ts': 40,
  'test/browser/engines-pack.test.ts': 38,
  'test/browser/two-tabs.test.ts': 38,
  'test/browser/map.test.ts': 37,
};

export default class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const cached = (f: TestSpecification): number | undefined => this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`)?.duration;
    if (sorted.some((f) => cached(f) !== undefined)) return sorted;
    // Stable: files without an estimate keep Vitest's order among themselves.
    return sorted.sort((a, b) => (SLOW[relative(this.ctx.config.root, b.moduleId)] ?? 0) - (SLOW[relative(this.ctx.config.root, a.moduleId)] ?? 0));
  }
}
