// src/ml/onnx/hoist.ts + src/ml/hoisted-session.ts on the tiny test models, in onnxruntime-node:
// the split decoder must give exactly the stock merged decoder's outputs, step after step.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAPTIONER_REPO, EMBEDDER_REPO } from '../../scripts/onnx/config-json.ts';
import { generateTestModels } from '../../scripts/onnx/generate.ts';
import { HOIST_OPTION, installHoistHook, RELEASE_BYTES_OPTION } from '../../src/ml/hoisted-session';
import { hoistEncoderWork } from '../../src/ml/onnx/hoist';

let dir = '';
beforeAll(() => {
  dir = generateTestModels({ size: 'tiny' }).dir;
});
const bytes = (repo: string, file: string): Uint8Array => new Uint8Array(readFileSync(path.join(dir, repo, 'onnx', file)));
const decoderConfig = (): { n_layer: number; n_head: number; n_embd: number } =>
  (JSON.parse(readFileSync(path.join(dir, CAPTIONER_REPO, 'config.json'), 'utf8')) as { decoder: { n_layer: number; n_head: number; n_embd: number } }).decoder;

type Feeds = Record<string, ort.Tensor>;
type Run = (feeds: Feeds) => Promise<Record<string, ort.Tensor>>;

/** Greedy steps through a merged decoder, as generate() feeds it; returns every step's outputs. */
async function greedy(run: Run, enc: ort.Tensor, steps: number): Promise<Record<string, ort.Tensor>[]> {
  const { n_layer, n_head, n_embd } = decoderConfig();
  const batch = enc.dims[0]!;
  const outs: Record<string, ort.Tensor>[] = [];
  let ids = new BigInt64Array(batch).fill(1n);
  let past: Record<string, ort.Tensor> | undefined;
  for (let s = 0; s < steps; s++) {
    const feeds: Feeds = {
      input_ids: new ort.Tensor('int64', ids, [batch, 1]),
      encoder_hidden_states: enc,
      use_cache_branch: new ort.Tensor('bool', [past !== undefined], [1]),
    };
    for (let i = 0; i < n_layer; i++)
      for (const kv of ['key', 'value'])
        feeds[`past_key_values.${i}.${kv}`] = past?.[`present.${i}.${kv}`] ?? new ort.Tensor('float32', new Float32Array(0), [batch, n_head, 0, n_embd / n_head]);
    const out = await run(feeds);
    outs.push(out);
    past = out;
    const logits = out['logits']!;
    const vocab = logits.dims[2]!;
    const data = logits.data as Float32Array;
    ids = BigInt64Array.from({ length: batch }, (_, b) => {
      let best = 0;
      for (let v = 1; v < vocab; v++) if (data[b * vocab + v]! > data[b * vocab + best]!) best = v;
      return BigInt(best);
    });
  }
  return outs;
}

function encoderStates(batch: number, seed: number): ort.Tensor {
  const dim = decoderConfig().n_embd;
  const seq = 5;
  return new ort.Tensor('float32', Float32Array.from({ length: batch * seq * dim }, (_, i) => Math.sin(i * 0.37 + seed)), [batch, seq, dim]);
}

describe('hoistEncoderWork', () => {
  for (const file of ['decoder_model_merged_quantized.onnx', 'decoder_model_merged.onnx']) {
    it(`${file}: moves the cross-attention K/V projections out; outputs identical to the stock model over greedy steps`, async () => {
      const model = bytes(CAPTIONER_REPO, file);
      const split = hoistEncoderWork(model)!;
      expect(split).not.toBeNull();
      expect(split.outputs).toHaveLength(2 * decoderConfig().n_layer); // keys and values per layer
      const stock = await ort.InferenceSession.create(model);
      const pre = await ort.InferenceSession.create(split.precompute);
      const dec = await ort.InferenceSession.create(split.decoder);
      expect(pre.inputNames).toEqual(['encoder_hidden_states']);
      expect(dec.inputNames.filter((n) => !split.outputs.includes(n))).toEqual(stock.inputNames);
      for (const batch of [1, 2]) {
        const enc = encoderStates(batch, batch);
        const extra = await pre.run({ encoder_hidden_states: enc });
        const a = await greedy((f) => stock.run(f), enc, 4);
        const b = await greedy((f) => dec.run({ ...f, ...extra }), enc, 4);
        for (let s = 0; s < a.length; s++)
          for (const name of stock.outputNames) expect(Array.from(b[s]![name]!.data as Float32Array), `step ${s} ${name}`).toEqual(Array.from(a[s]![name]!.data as Float32Array));
      }
    });
  }

  it('leaves models without a merged cross-attention decoder alone (null)', () => {
    expect(hoistEncoderWork(bytes(CAPTIONER_REPO, 'encoder_model_quantized.onnx'))).toBeNull();
    expect(hoistEncoderWork(bytes(EMBEDDER_REPO, 'model_quantized.onnx'))).toBeNull();
  });
});

describe('installHoistHook', () => {
  it('splits only sessions created with the option; the precompute runs once per encoder tensor; inputs look stock', async () => {
    const created: string[][] = [];
    let preRuns = 0;
    const cls = {
      create: async (m: unknown, o?: Record<string, unknown>) => {
        const s = await ort.InferenceSession.create(m as Uint8Array, o as ort.InferenceSession.SessionOptions);
        created.push([...s.inputNames]);
        if (s.inputNames.length === 1) {
          const run = s.run.bind(s);
          s.run = ((f: Feeds) => (preRuns++, run(f))) as typeof s.run;
        }
        return s;
      },
    };
    installHoistHook(cls as never);
    installHoistHook(cls as never); // once per class
    const model = bytes(CAPTIONER_REPO, 'decoder_model_merged_quantized.onnx');
    const plain = await cls.create(model, {});
    expect(created).toHaveLength(1);
    const wrapped = (await cls.create(model, { [HOIST_OPTION]: true })) as unknown as { inputNames: string[]; run: Run; release(): Promise<void> };
    expect(created).toHaveLength(3); // precompute + decoder
    expect(created[1]).toEqual(['encoder_hidden_states']);
    expect(wrapped.inputNames).toEqual(plain.inputNames);

    const enc1 = encoderStates(1, 1);
    const enc2 = encoderStates(1, 2);
    const a1 = await greedy((f) => plain.run(f), enc1, 3);
    const b1 = await greedy((f) => wrapped.run(f), enc1, 3);
    const b2 = await greedy((f) => wrapped.run(f), enc2, 3);
    const a2 = await greedy((f) => plain.run(f), enc2, 3);
    expect(preRuns).toBe(2); // 6 decoder steps over 2 images
    for (const [a, b] of [[a1, b1], [a2, b2]] as const)
      for (let s = 0; s < a.length; s++) expect(Array.from(b[s]!['logits']!.data as Float32Array)).toEqual(Array.from(a[s]!['logits']!.data as Float32Array));
    await wrapped.release();
  });
});

describe('installHoistHook with RELEASE_BYTES_OPTION', () => {
  it('frees the model bytes (the split copies too) only after their sessions exist, and only when asked', async () => {
    const proto = ArrayBuffer.prototype as ArrayBuffer & { transfer?: (n: number) => ArrayBuffer };
    const own = Object.getOwnPropertyDescriptor(proto, 'transfer');
    const freed: number[] = []; // byte lengths, in order
    const events: string[] = [];
    // Node 20 has no ArrayBuffer.prototype.transfer: a stand-in records what would be detached.
    proto.transfer = function (this: ArrayBuffer, n: number) {
      freed.push(this.byteLength);
      events.push(`free ${this.byteLength}`);
      expect(n).toBe(0);
      return new ArrayBuffer(0);
    };
    try {
      const cls = {
        create: async (m: unknown, o?: Record<string, unknown>) => {
          events.push(`create ${(m as Uint8Array).byteLength}`);
          expect(o).not.toHaveProperty(RELEASE_BYTES_OPTION);
          return ort.InferenceSession.create(m as Uint8Array, o as ort.InferenceSession.SessionOptions);
        },
      };
      installHoistHook(cls as never);
      const encoder = bytes(CAPTIONER_REPO, 'encoder_model_quantized.onnx').slice();
      await cls.create(encoder, {});
      expect(freed).toEqual([]);
      await cls.create(encoder, { [RELEASE_BYTES_OPTION]: true });
      expect(events.slice(-2)).toEqual([`create ${encoder.byteLength}`, `free ${encoder.byteLength}`]);
      const decoder = bytes(CAPTIONER_REPO, 'decoder_model_merged_quantized.onnx').slice();
      events.length = 0;
      const s = (await cls.create(decoder, { [HOIST_OPTION]: true, [RELEASE_BYTES_OPTION]: true })) as unknown as { release(): Promise<void> };
      // The whole file once split, then each part right after its own session.
      expect(events.map((e) => e.split(' ')[0])).toEqual(['free', 'create', 'free', 'create', 'free']);
      expect(events[0]).toBe(`free ${decoder.byteLength}`);
      expect(events[1]!.slice(7)).toBe(events[2]!.slice(5));
      expect(events[3]!.slice(7)).toBe(events[4]!.slice(5));
      await s.release();
    } finally {
      if (own) Object.defineProperty(proto, 'transfer', own);
      else Reflect.deleteProperty(proto, 'transfer');
    }
  });
});
