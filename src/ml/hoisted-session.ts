// Runs a merged decoder as two sessions (see onnx/hoist.ts): the encoder-only part once per image,
// the rest per token. Installed as a hook on onnxruntime-web's InferenceSession.create that acts
// only on sessions created with HOIST_OPTION, so other models load untouched.
import { hoistEncoderWork } from './onnx/hoist';

export const HOIST_OPTION = 'glimpseHoistEncoderWork';
/**
 * Sessions created with this option free their model bytes as soon as onnxruntime has its own
 * copy: the buffer is detached (ArrayBuffer.prototype.transfer(0)) instead of waiting for the
 * garbage collector, which lets a few hundred MB of model files pile up while models load
 * (low-memory mode; `npm run bench:memory`).
 */
export const RELEASE_BYTES_OPTION = 'glimpseReleaseModelBytes';

/** Frees `bytes` now; a no-op where ArrayBuffer.prototype.transfer is missing or the memory is shared. */
function release(bytes: Uint8Array): void {
  const buffer = bytes.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  if (typeof buffer.transfer === 'function' && !(typeof SharedArrayBuffer !== 'undefined' && bytes.buffer instanceof SharedArrayBuffer)) buffer.transfer(0);
}

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

/**
 * Wraps `cls.create` once. Sessions created with `{ [HOIST_OPTION]: true }` and a Uint8Array model
 * are split when possible; with `{ [RELEASE_BYTES_OPTION]: true }` their model bytes are freed once
 * the sessions exist. Sessions created without either load untouched.
 */
export function installHoistHook(cls: { create: Create }): void {
  if (hooked.has(cls)) return;
  hooked.add(cls);
  const create = cls.create.bind(cls);
  cls.create = async (model, options) => {
    const hoist = options?.[HOIST_OPTION] === true;
    const free = options?.[RELEASE_BYTES_OPTION] === true;
    if ((!hoist && !free) || !(model instanceof Uint8Array)) return create(model, options);
    const { [HOIST_OPTION]: _, [RELEASE_BYTES_OPTION]: __, ...rest } = options ?? {};
    const split = hoist ? hoistEncoderWork(model) : null;
    if (!split) {
      try {
        return await create(model, rest);
      } finally {
        if (free) release(model);
      }
    }
    if (free) release(model); // the split holds copies of everything it needs
    const pre = await create(split.precompute, rest);
    if (free) release(split.precompute);
    const dec = await create(split.decoder, rest);
    if (free) release(split.decoder);
    return twoPart(pre, dec, split.outputs);
  };
}
