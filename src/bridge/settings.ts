// Model settings the UI keeps (localStorage) and sends with every analysis call.
import type { ModelConfig } from '../../workers/lib/model-host';

const KEY = 'glimpse.models';
const base = import.meta.env.BASE_URL;

export function defaultModelConfig(): ModelConfig {
  const config: ModelConfig = {
    captionerId: 'Xenova/vit-gpt2-image-captioning',
    embedderId: 'Xenova/all-MiniLM-L6-v2',
    allowHub: true,
    backend: 'auto',
    localModelPath: `${base}models/`,
    ortBase: `${base}ort/`,
  };
  // `?models=test/tiny` loads the generated test models from models/test/tiny/ (tests, demos).
  const folder = new URLSearchParams(location.search).get('models');
  if (folder && /^[\w/-]+$/.test(folder)) return { ...config, localModelPath: `${base}models/${folder}/`, allowHub: false };
  return config;
}

export function loadModelConfig(): ModelConfig {
  const fallback = defaultModelConfig();
  if (new URLSearchParams(location.search).has('models')) return fallback;
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<ModelConfig> | null;
    return saved ? { ...fallback, ...saved, localModelPath: fallback.localModelPath, ortBase: fallback.ortBase } : fallback;
  } catch {
    return fallback;
  }
}

export function saveModelConfig(config: ModelConfig): void {
  localStorage.setItem(KEY, JSON.stringify(config));
}
