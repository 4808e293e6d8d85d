// The models as the analysis worker loads them (ModelHost's choices), for the bench's own workers.
import { findModel } from '../../src/core/models/manifest.ts';
import { createEmbedder, type Embedder } from '../../src/ml/embedder.ts';
import { prepareRuntime } from '../../src/ml/runtime.ts';
import { MANIFEST, type ModelConfig } from '../../workers/lib/model-host.ts';

export const CAPTIONER_ID = 'Xenova/vit-gpt2-image-captioning';
export const EMBEDDER_ID = 'Xenova/all-MiniLM-L6-v2';
/** The 'text' forest's dimension: the sentence embedding size. */
export const TEXT_DIM = findModel(MANIFEST, EMBEDDER_ID).dim;
/** The 'visual' forest's dimension: the captioner encoder's hidden size (ViT-base). */
export const VISUAL_DIM = findModel(MANIFEST, CAPTIONER_ID).dim;

export function benchModelConfig(localModelPath: string, ortBase?: string): ModelConfig {
  return { captionerId: CAPTIONER_ID, embedderId: EMBEDDER_ID, allowHub: false, backend: 'auto', localModelPath, ...(ortBase ? { ortBase } : {}) };
}

/** The embedder alone (a text query needs nothing else). */
export async function loadEmbedder(config: ModelConfig): Promise<Embedder> {
  const backend = await prepareRuntime({ localModelPath: config.localModelPath, allowHub: false, ortBase: config.ortBase }, config.backend);
  const entry = findModel(MANIFEST, config.embedderId);
  if (entry.task !== 'feature-extraction') throw new Error(`${entry.id} is not an embedder`);
  return createEmbedder(entry as typeof entry & { task: 'feature-extraction' }, { backend, allowHub: false });
}
