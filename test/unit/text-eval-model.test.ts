// The --captions model path of `npm run eval`, end to end on the tiny random-weight models:
// plumbing only (their captions and vectors are noise, so no figure here says anything about quality).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTestModels, repoRoot } from '../../scripts/onnx/generate.ts';

const DATA = '/work/shared/data/captioned';
const TSX = path.join(repoRoot, 'node_modules/.bin/tsx');
const run = promisify(execFile);
let models = '';
let empty = '';

beforeAll(() => {
  models = generateTestModels({ size: 'tiny' }).dir;
  empty = mkdtempSync(path.join(tmpdir(), 'glimpse-no-models-'));
});
afterAll(() => rmSync(empty, { recursive: true, force: true }));

const evalCli = (...args: string[]): Promise<{ stdout: string; stderr: string }> =>
  run(TSX, ['bench/eval.ts', '--data', DATA, ...args], { cwd: repoRoot, timeout: 240_000 });

describe.skipIf(!existsSync(`${DATA}/captions.json`))('eval --captions model (tiny test models)', () => {
  it('captions, embeds and ranks 5 images with lexical, vector and fused rankers', async () => {
    const { stdout } = await evalCli('--captions', 'model', '--models', models, '--limit', '5', '--caption-count', '2', '--json');
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^WARNING: random-weight test models: figures measure plumbing, not quality/u);
    expect(lines.filter((l) => /^(bm25|full|vector|fused) +\d/u.test(l))).toHaveLength(4);
    const out = JSON.parse(lines[lines.length - 1] as string) as Record<string, unknown>;
    expect(out).toMatchObject({ images: 5, queries: 25, mode: 'fused', captions: 'model', warning: expect.any(String) as unknown });
    for (const m of [out, out['full'], out['vector'], out['baseline']] as Record<string, number>[]) {
      expect(m.queries).toBe(25);
      for (const k of ['recallAt1', 'recallAt5', 'recallAt10', 'mrr']) {
        expect(m[k], k).toBeGreaterThanOrEqual(0);
        expect(m[k], k).toBeLessThanOrEqual(1);
      }
      expect(m.recallAt1).toBeLessThanOrEqual(m.recallAt5 as number);
      expect(m.recallAt5).toBeLessThanOrEqual(m.recallAt10 as number);
    }
    // With 5 images every target is in the top 5 of the full-list rankers.
    expect((out['vector'] as Record<string, number>).recallAt5).toBe(1);
    // Two model loads and 5 captions in a child process: seconds alone, minutes beside other work.
  }, 240_000);

  it('fails with exit 2 and says how to get the models when the folder has none', async () => {
    const err = (await evalCli('--captions', 'model', '--models', empty, '--limit', '1').catch((e: unknown) => e)) as {
      code?: number;
      stderr?: string;
    };
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(/could not be loaded/u);
    expect(err.stderr).toMatch(/gen-test-models\.ts --size tiny/u);
  });
});
