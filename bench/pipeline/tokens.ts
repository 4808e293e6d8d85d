// Caption lengths in tokens (re-tokenised with the captioner's GPT-2 tokenizer): random weights
// may emit end-of-sequence early, which would flatter the caption timing.
import path from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { CAPTIONER_ID } from './models.ts';
import type { IndexRun } from './types.ts';

export async function captionTokenCounter(modelDir: string): Promise<(caption: string) => number> {
  env.localModelPath = `${modelDir}${path.sep}`;
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  const tokenizer = await AutoTokenizer.from_pretrained(CAPTIONER_ID);
  return (caption) => (caption ? tokenizer.encode(caption).length : 0);
}

export function addTokenCounts(run: IndexRun, count: (caption: string) => number): void {
  const lengths = run.perImage.flatMap((p) => p.captions.map(count));
  run.captionTokens = {
    mean: lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length),
    atMax: lengths.filter((n) => n >= run.maxNewTokens).length,
    captions: lengths.length,
  };
}
