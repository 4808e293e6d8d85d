// Speed of the real transformers.js pipelines on the FULL-size random-weight models, in Node
// (onnxruntime-node, CPU). Random weights change no op or shape, so timings match the real models.
// Usage: tsx bench/models-speed.ts [--dtype q8|fp32] [--runs 3]
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { env, pipeline } from '@huggingface/transformers';
import type { InferenceSession } from 'onnxruntime-node';
import { CAPTIONER_REPO, EMBEDDER_REPO } from '../scripts/onnx/config-json.ts';
import { generateTestModels, repoRoot } from '../scripts/onnx/generate.ts';

const { values } = parseArgs({ options: { dtype: { type: 'string', default: 'q8' }, runs: { type: 'string', default: '3' } } });
const dtype = values.dtype === 'fp32' ? 'fp32' : 'q8';
const runs = Math.max(1, Number(values.runs));
const TOKENS = 20;

const { dir } = generateTestModels({ size: 'full', log: (l) => console.log(`  generated ${l}`) });
env.localModelPath = `${dir}${path.sep}`;
env.allowRemoteModels = false;

const images = path.resolve(repoRoot, '../shared/data/captioned/images');
const imageFiles = readdirSync(images)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .slice(0, runs + 1);
const sentence = 'a brown dog jumps over a fallen tree trunk in a sunny forest clearing';

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await fn();
  return [value, performance.now() - t];
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number): string => `${x.toFixed(0)} ms`;

const [embed, embedLoad] = await timed(() => pipeline('feature-extraction', EMBEDDER_REPO, { dtype }));
await embed(sentence, { pooling: 'mean', normalize: true }); // warm-up
const single: number[] = [];
for (let i = 0; i < runs * 5; i++) single.push((await timed(() => embed(`${sentence} ${i}`, { pooling: 'mean', normalize: true })))[1]);
const batch = Array.from({ length: 32 }, (_, i) => `${sentence} number ${i}`);
const [, batchMs] = await timed(() => embed(batch, { pooling: 'mean', normalize: true }));
console.log(
  `embedder ${dtype}: load ${ms(embedLoad)}, ${median(single).toFixed(1)} ms/embedding (single), ${(batchMs / 32).toFixed(1)} ms/embedding (batch 32)`,
);

const [caption, captionLoad] = await timed(() => pipeline('image-to-text', CAPTIONER_REPO, { dtype }));
const decoder: InferenceSession = caption.model.sessions['decoder_model_merged'];
const encoder: InferenceSession = caption.model.sessions['model'];
let steps = 0;
let encoderMs = 0;
const decoderRun = decoder.run.bind(decoder);
const encoderRun = encoder.run.bind(encoder);
decoder.run = ((...args: Parameters<typeof decoderRun>) => (steps++, decoderRun(...args))) as typeof decoder.run;
encoder.run = (async (...args: Parameters<typeof encoderRun>) => {
  const [out, t] = await timed(() => encoderRun(...args));
  encoderMs += t;
  return out;
}) as typeof encoder.run;
// min_new_tokens: random weights could emit EOS early and flatter the timing.
const options = { max_new_tokens: TOKENS, min_new_tokens: TOKENS };
await caption(path.join(images, imageFiles[0]!), options); // warm-up
const captions: number[] = [];
[steps, encoderMs] = [0, 0];
for (const f of imageFiles.slice(1)) captions.push((await timed(() => caption(path.join(images, f), options)))[1]);
const perStep = (captions.reduce((a, b) => a + b, 0) - encoderMs) / steps;
console.log(
  `captioner ${dtype}: load ${ms(captionLoad)}, ${ms(median(captions))}/caption (${TOKENS} tokens, greedy), ` +
    `encoder ${ms(encoderMs / captions.length)}, ~${perStep.toFixed(1)} ms/decoder step (${steps / captions.length} steps/caption)`,
);
