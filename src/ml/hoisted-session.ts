// Runs a merged decoder as two sessions (see onnx/hoist.ts): the encoder-only part once per image,
// the rest per token. Installed as a hook on onnxruntime-web's InferenceSession.create that acts
// only on sessions created with HOIST_OPTION, so other models load untouched.
import { hoistEncoderWork } from './onnx/hoist';

export const HOIST_OPTION = 'glimpseHoistEncoderWork';

interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly { name: string }[];
  run(feeds: Record<string, { data?: unknown }>, ...rest: unknown[]): Promise<Record<string, unknown>>;
  release(): Promise<void>;
}
type Create = (model: unknown, options?: Record<string, unknown>) => Promise<OrtSession>;

/** The session transformers.js sees: the original inputs; the hoisted ones are fed from the precompute run. */
function twoPart(pre: OrtSession, dec: OrtSession, extra: readonly string[]): OrtSession {
  const hidden = new Set(extra);
  let lastKey: unknown;
  let lastOut: Record<string, unknown> = {};
  return {
    inputNames: dec.inputNames.filter((n) => !hidden.has(n)),
    outputNames: dec.outputNames,
    inputMetadata: dec.inputMetadata?.filter((m) => !hidden.has(m.name)),
    async run(feeds, ...rest) {
      const enc = feeds['encoder_hidden_states'];
      if (!enc) throw new Error('decoder run without encoder_hidden_states');
      // generate() feeds the same tensor every step: the precompute runs once per image.
      const key = enc.data ?? enc;
      if (key !== lastKey) {
        lastOut = {};
        lastOut = await pre.run({ encoder_hidden_states: enc });
        lastKey = key;
      }
      return dec.run({ ...feeds, ...lastOut } as typeof feeds, ...rest);
    },
    async release() {
      lastKey = undefined;
      lastOut = {};
      await Promise.all([pre.release(), dec.release()]);
    },
  };
}

const hooked = new WeakSet<object>();

/** Wraps `cls.create` once; sessions created with `{ [HOIST_OPTION]: true }` and a Uint8Array model are split when possible. */
export function installHoistHook(cls: { create: Create }): void {
  if (hooked.has(cls)) return;
  hooked.add(cls);
  const create = cls.create.bind(cls);
  cls.create = async (model, options) => {
    if (!options?.[HOIST_OPTION] || !(model instanceof Uint8Array)) return create(model, options);
    const { [HOIST_OPTION]: _, ...rest } = options;
    const split = hoistEncoderWork(model);
    if (!split) return create(model, rest);
    const pre = await create(split.precompute, rest);
    const dec = await create(split.decoder, rest);
    return twoPart(pre, dec, split.outputs);
  };
}
