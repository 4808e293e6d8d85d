// The analysis worker's test and bench hooks (a part of its comlink API, spread into it): what the
// worker did and holds, read without changing the library.
import * as Comlink from 'comlink';
import { GlimpseError } from '../../src/core/errors';
import { decodeImage } from './decode-image';
import { storedIds, type StoredIds } from './id-check';
import type { Library } from './library';
import type { LoadConfig, ModelHost } from './model-host';
import { searchSteps } from './search-steps';
import { startupTrace } from './search-warmup';
import { shared } from './tab-sync';

export interface ModelProbe {
  backend: string;
  tokens: number[];
  /** steps × vocab: the scores each caption token was picked from. */
  logits: Float32Array;
  vocab: number;
  visual: Float32Array;
  /** One row per text, row-major. */
  text: Float32Array;
}

export function probeApi(lib: () => Promise<Library>, host: ModelHost) {
  return {
    /** Test hook: where the worker's cold start went (search-warmup.ts). */
    startupTrace,
    /** Test hook: each recent text search's split (search-steps.ts; bench:pipeline splits the tail). */
    searchSteps,

    /** Test hook: the ids rows, vectors and both stored forests hold. */
    async storedIds(): Promise<StoredIds> {
      const { db } = await lib();
      return shared(() => storedIds(db));
    },

    /** Test hook: the text forest's stored vectors read by the engine's IndexedDB range reads (no write lands meanwhile). */
    async probeVectorWarm(): Promise<{ kept: number; live: number }> {
      const library = await lib();
      return shared(() => library.probeTextVectorWarm());
    },

    /** Tests (WebGPU against WASM): the greedy caption's token ids, the visual vector and the texts'
     *  vectors, from the models as `config` loads them. */
    async modelProbe(config: LoadConfig, image: Blob, name: string, texts: string[], maxNewTokens: number): Promise<ModelProbe> {
      const decoded = await decodeImage(await image.arrayBuffer(), name, image.type, { thumbSize: 64, modelSize: 512 });
      if (!decoded.pixels) throw new GlimpseError('ImageRejectedError', `${name}: could not read its pixels.`);
      const { captioner, embedder, info } = await host.load(config);
      const { tokens, logits, vocab, visual } = await captioner.greedyTokens(decoded.pixels, maxNewTokens);
      const text = await embedder.embed(texts);
      return Comlink.transfer({ backend: info.backend, tokens, logits, vocab, visual, text }, [logits.buffer, visual.buffer, text.buffer]);
    },
  };
}
