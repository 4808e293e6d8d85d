// Random-weight ONNX stand-ins for the real models (no model hub in CI), see scripts/onnx/generate.ts.
// Usage: tsx scripts/gen-test-models.ts [--size tiny|bench|full|all] [--out models/test] [--seed N] [--force]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateTestModels } from './onnx/generate.ts';
import type { ModelSize } from './onnx/config-json.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'tiny' },
    out: { type: 'string' },
    seed: { type: 'string' },
    force: { type: 'boolean', default: false },
  },
});
const sizes: ModelSize[] = values.size === 'all' ? ['tiny', 'full'] : values.size === 'tiny' || values.size === 'bench' || values.size === 'full' ? [values.size] : [];
const seed = values.seed === undefined ? undefined : Number(values.seed);
const usage =
  sizes.length === 0
    ? `--size must be tiny, bench, full or all (got ${values.size})`
    : seed !== undefined && !Number.isSafeInteger(seed)
      ? `--seed must be an integer (got ${values.seed})`
      : '';
if (usage) {
  console.error(usage);
  process.exit(2);
}

for (const size of sizes) {
  const started = performance.now();
  const outDir = values.out === undefined ? undefined : path.resolve(values.out);
  const result = generateTestModels({ size, outDir, seed, force: values.force, log: (line) => console.log(`  ${line}`) });
  const took = ((performance.now() - started) / 1000).toFixed(1);
  console.log(result.skipped ? `${size}: up to date in ${result.dir}` : `${size}: generated in ${result.dir} (${took} s)`);
}
