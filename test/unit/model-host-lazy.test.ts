// The analysis worker's start must not evaluate transformers.js / onnxruntime-web (1.4 MB of
// script, 0.3–0.5 s): model-host.ts imports them on first need (lib/ml-modules.ts), so the first
// search's library read starts while they load.
import { describe, expect, it, vi } from 'vitest';

const evaluated: string[] = [];
vi.mock('@huggingface/transformers', async (original) => {
  evaluated.push('@huggingface/transformers');
  return original();
});

describe('model-host', () => {
  it('loads without transformers.js, which comes with the first model call', async () => {
    const { ModelHost, ml } = await import('../../workers/lib/model-host.ts');
    const host = new ModelHost();
    expect(host).toBeDefined();
    expect(evaluated).toEqual([]);
    const m = await ml();
    expect(evaluated).toEqual(['@huggingface/transformers']);
    expect(typeof m.createEmbedder).toBe('function');
    expect(await ml()).toBe(m); // imported once
  });
});
