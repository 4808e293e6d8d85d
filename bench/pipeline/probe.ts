// --probe-caption: the captioner alone per dtype, with the time split per ONNX session run.
// A dtype is one for both parts ('q8', 'fp32') or encoder+decoder ('fp32+q8'); ':stock' runs the
// merged decoder as one session (no hoisted cross-attention keys/values), to compare.
import type { Dtype } from '../../src/core/models/manifest.ts';
import type { CaptionerDiagnostics } from '../../src/ml/captioner.ts';
import { median } from './stats.ts';

const DTYPES = ['q8', 'fp32'] as const;
export type ProbeDtype = string;

export const probeHoist = (s: string): boolean => !s.endsWith(':stock');

export function parseProbeDtype(spec: string): Dtype | Record<string, Dtype> {
  const s = spec.replace(/:stock$/, '');
  const parts = s.split('+');
  if (!parts.every((p) => (DTYPES as readonly string[]).includes(p)) || parts.length > 2)
    throw new Error(`--probe-caption takes q8, fp32 or encoder+decoder like fp32+q8, optionally :stock, got ${spec}`);
  const [enc, dec = enc] = parts as Dtype[];
  return enc === dec ? enc! : { encoder_model: enc!, decoder_model_merged: dec! };
}

/** One caption() split into its session runs: encoder, the first decoder step (no past), later steps. */
export interface CaptionParts {
  encoderMs: number;
  firstStepMs: number;
  /** Median of the decoder steps after the first. */
  stepMs: number;
  steps: number;
  /** caption() wall minus all session runs: pre-processing, generate()'s own work, tokenizer. */
  otherMs: number;
}

export function partsRecorder(): { diag: CaptionerDiagnostics; start(): void; finish(wallMs: number): CaptionParts } {
  let runs: { part: 'encoder' | 'decoder'; ms: number }[] = [];
  return {
    diag: { onRun: (part, ms) => void runs.push({ part, ms }) },
    start: () => void (runs = []),
    finish(wallMs) {
      const enc = runs.filter((r) => r.part === 'encoder').reduce((a, r) => a + r.ms, 0);
      const dec = runs.filter((r) => r.part === 'decoder').map((r) => r.ms);
      const total = runs.reduce((a, r) => a + r.ms, 0);
      return { encoderMs: enc, firstStepMs: dec[0] ?? NaN, stepMs: median(dec.slice(1)), steps: dec.length, otherMs: wallMs - total };
    },
  };
}
