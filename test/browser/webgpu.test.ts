import { readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sharedImages } from './helpers/app-page';
import { ARGS, CHROMIUM } from './helpers/browser';

// Issue 16, part 3: the WebGPU path runs in a test. Headless Chromium gets a software adapter
// (SwiftShader); both models (tiny random-weight test models) run on WebGPU and on WASM in one page,
// and the greedy caption's token ids, each step's logits, the visual vector and the text vectors
// must agree within a stated tolerance. Speed cannot be judged here: SwiftShader is a CPU emulating
// a GPU (slower than WASM), so nothing about a real GPU's speed follows from this test.
//
// fp32 is the comparison that tests WebGPU kernels: every MatMul, Conv, Softmax, LayerNormalization
// runs on the WebGpuExecutionProvider (checked below from onnxruntime's node placements). q8 (what
// the app ships) also runs with device 'webgpu', but onnxruntime-web's WebGPU provider has no
// DynamicQuantizeLinear nor MatMulInteger kernels, so those run on its CPU provider inside the
// WebGPU session; the q8 check proves that mixed session answers the same as WASM.
//
// Tolerances, as max |webgpu - wasm| over a whole output, relative to that output's largest |value|:
// - fp32: 1e-4. The same float32 arithmetic summed in another order (GPU tiles, fused kernels)
//   differs by about eps·√K per layer (eps 1.2e-7): measured 3e-7 here; even full-size models
//   (K ≤ 3072, 12 layers) stay near 1e-5. A wrong kernel (dropped bias, wrong layout, bad
//   activation) moves outputs by 1e-2 or more.
// - q8: 2e-2. Dynamic quantization rounds each activation to one of 255 steps of its tensor's
//   range; a float32-size difference upstream can move a value across a rounding edge, one step
//   (0.4 % of the range) that later layers carry on: measured up to 3e-3 here.
// Token ids must be equal at every step where WASM's best token leads the second by more than
// twice the logits tolerance (there no allowed difference could change the pick).
const GPU_ARGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];
const TOLERANCE = { fp32: 1e-4, q8: 2e-2 } as const;
const TEXTS = ['a dog runs across the grass', 'two people on a city street'];
const STEPS = 6;

type Dtype = keyof typeof TOLERANCE;

interface Probe {
  backend: string;
  tokens: number[];
  logits: number[];
  vocab: number;
  visual: number[];
  text: number[];
}

/** The probe hook, its typed arrays turned into plain arrays for the trip out of the page. */
function probe(page: Page, image: string, backend: 'wasm' | 'webgpu', dtype: Dtype): Promise<Probe> {
  const bytes = readFileSync(image).toString('base64');
  return page.evaluate(
    async ({ bytes, backend, dtype, texts, steps }) => {
      const file = new File([Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0))], 'photo.jpg', { type: 'image/jpeg' });
      const p = await window.__glimpse!.modelProbe(file, texts, steps, { backend, dtype, verboseSessions: backend === 'webgpu' });
      return { backend: p.backend, tokens: p.tokens, vocab: p.vocab, logits: Array.from(p.logits), visual: Array.from(p.visual), text: Array.from(p.text) };
    },
    { bytes, backend, dtype, texts: TEXTS, steps: STEPS },
  );
}

const maxAbs = (a: number[]): number => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const maxDiff = (a: number[], b: number[]): number => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

/** How many leading steps have a best token that leads the second by more than `gap`. */
function clearSteps(logits: number[], vocab: number, gap: number): number {
  for (let s = 0; s * vocab < logits.length; s++) {
    const [first = 0, second = 0] = logits.slice(s * vocab, (s + 1) * vocab).sort((x, y) => y - x);
    if (first - second <= gap) return s;
  }
  return logits.length / vocab;
}

/**
 * onnxruntime's node placements per session, from its verbose log ("Node(s) placed on [EP]",
 * then one line per node: "  OpType (name)"): op types per execution provider.
 */
function placements(lines: string[]): Array<Record<string, string[]>> {
  const sessions: Array<Record<string, string[]>> = [];
  let ep: string[] | undefined;
  for (const line of lines) {
    if (line.includes('Node placements')) sessions.push({});
    const header = /Node\(s\) placed on \[(\w+)\]/.exec(line);
    if (header && sessions.length) ep = sessions.at(-1)![header[1]!] = [];
    else if (ep && line.includes('VerifyEachNodeIsAssignedToAnEp]   ')) ep.push(/\]\s{3}(\w+) \(/.exec(line)?.[1] ?? '?');
    else if (!line.includes('VerifyEachNodeIsAssignedToAnEp')) ep = undefined;
  }
  return sessions;
}

const COMPUTE = new Set(['MatMul', 'Gemm', 'Conv', 'Softmax', 'LayerNormalization', 'SkipLayerNormalization', 'BiasGelu', 'FastGelu']);

describe('WebGPU (SwiftShader) against WASM: both models, same answers', () => {
  let browser: Browser;
  let page: Page;
  const log: string[] = [];
  const url = inject('baseURL');
  const [image] = sharedImages(1);

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...GPU_ARGS], headless: true });
    page = await (await browser.newContext()).newPage();
    page.on('console', (m) => log.push(m.text()));
    await page.goto(`${url}?testHooks&models=test/tiny`);
    await page.waitForFunction(() => window.__glimpse !== undefined);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('has a WebGPU adapter (without one this test fails: it never passes on WASM alone)', async () => {
    const adapter = await page.evaluate(async () => (await navigator.gpu?.requestAdapter()) != null);
    expect(adapter, `no WebGPU adapter in Chromium with ${GPU_ARGS.join(' ')} (SwiftShader missing?)`).toBe(true);
  });

  for (const dtype of ['fp32', 'q8'] as const) {
    it(`${dtype}: caption token ids, logits, visual and text vectors agree within ${TOLERANCE[dtype]} of their range`, async () => {
      const wasm = await probe(page, image!, 'wasm', dtype);
      const from = log.length;
      const gpu = await probe(page, image!, 'webgpu', dtype);
      const sessions = placements(log.slice(from));
      expect(wasm.backend).toBe('wasm');
      expect(gpu.backend, 'the models loaded on WASM although WebGPU was asked for: no adapter').toBe('webgpu');

      // Where the WebGPU sessions (embedder, encoder, decoder) ran their nodes.
      expect(sessions, 'onnxruntime node placements (embedder, encoder, decoder)').toHaveLength(3);
      const onCpu = sessions.flatMap((s) => s['CPUExecutionProvider'] ?? []);
      for (const s of sessions) expect(s['WebGpuExecutionProvider']?.length ?? 0, 'nodes on WebGpuExecutionProvider (none: the session fell back to WASM)').toBeGreaterThan(0);
      expect(onCpu.filter((op) => COMPUTE.has(op)), 'compute ops left on the CPU provider').toEqual([]);
      if (dtype === 'fp32') expect(onCpu.filter((op) => /Integer|Quantize/.test(op))).toEqual([]);

      const tol = TOLERANCE[dtype];
      const report = {
        logits: maxDiff(wasm.logits, gpu.logits) / maxAbs(wasm.logits),
        visual: maxDiff(wasm.visual, gpu.visual) / maxAbs(wasm.visual),
        text: maxDiff(wasm.text, gpu.text) / maxAbs(wasm.text),
      };
      const clear = clearSteps(wasm.logits, wasm.vocab, 2 * tol * maxAbs(wasm.logits));
      console.log(
        `webgpu vs wasm, ${dtype}: max relative difference logits ${report.logits.toExponential(1)}, visual ${report.visual.toExponential(1)}, text ${report.text.toExponential(1)} ` +
          `(tolerance ${tol}); tokens [${gpu.tokens.join(',')}] vs [${wasm.tokens.join(',')}], ${clear} of ${wasm.logits.length / wasm.vocab} steps clear of ties; ` +
          `on the CPU provider: ${onCpu.length} nodes (${[...new Set(onCpu)].join(', ')})`,
      );

      expect(gpu.vocab).toBe(wasm.vocab);
      expect(gpu.logits.length).toBe(wasm.logits.length);
      expect(wasm.logits.length).toBeGreaterThan(0);
      expect(gpu.visual.length).toBe(wasm.visual.length);
      expect(gpu.text.length).toBe(wasm.text.length);
      expect(report.logits).toBeLessThanOrEqual(tol);
      expect(report.visual).toBeLessThanOrEqual(tol);
      expect(report.text).toBeLessThanOrEqual(tol);
      expect(clear).toBeGreaterThan(0);
      expect(gpu.tokens.slice(0, clear)).toEqual(wasm.tokens.slice(0, clear));
    });
  }
});
