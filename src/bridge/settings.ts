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
    ocrBase: `${base}models/gutenye/ppocr-v4/`,
  };
  const params = new URLSearchParams(location.search);
  // `?lowMemory` turns the low-memory mode on for this visit (benchmarks, tests), as Settings does.
  if (params.has('lowMemory')) config.lowMemory = true;
  // `?models=test/tiny` loads the generated test models from models/test/tiny/ (tests, demos).
  const folder = params.get('models');
  if (folder && /^[\w/-]+$/.test(folder)) return { ...config, localModelPath: `${base}models/${folder}/`, allowHub: false };
  return config;
}

export function loadModelConfig(): ModelConfig {
  const fallback = defaultModelConfig();
  if (new URLSearchParams(location.search).has('models')) return fallback;
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<ModelConfig> | null;
    return saved ? { ...fallback, ...saved, localModelPath: fallback.localModelPath, ortBase: fallback.ortBase, ocrBase: fallback.ocrBase } : fallback;
  } catch {
    return fallback;
  }
}

export function saveModelConfig(config: ModelConfig): void {
  localStorage.setItem(KEY, JSON.stringify(config));
}

/** Captions per photo: how many indexing makes at once, and how many a background pass brings it to. */
export interface CaptionPlan {
  atOnce: number;
  total: number;
}

const CAPTIONS_KEY = 'glimpse.captions';
// One greedy caption makes a photo searchable at ~3× the speed of three on WASM; the two sampled
// ones (which find it more often: see `npm run eval -- --captions oracle:3`) follow when idle.
const DEFAULT_PLAN: CaptionPlan = { atOnce: 1, total: 3 };

export function captionPlan(): CaptionPlan {
  try {
    const saved = JSON.parse(localStorage.getItem(CAPTIONS_KEY) ?? 'null') as Partial<CaptionPlan> | null;
    const atOnce = Math.min(3, Math.max(1, Math.round(saved?.atOnce ?? DEFAULT_PLAN.atOnce)));
    return { atOnce, total: Math.max(atOnce, Math.min(5, Math.round(saved?.total ?? DEFAULT_PLAN.total))) };
  } catch {
    return DEFAULT_PLAN;
  }
}

export function saveCaptionPlan(plan: CaptionPlan): void {
  localStorage.setItem(CAPTIONS_KEY, JSON.stringify(plan));
}

const OCR_KEY = 'glimpse.ocr';

/**
 * Whether indexing reads text in photos: on unless the person turned it off in Settings. Their
 * choice always wins; without one, `?ocr=on|off` in the URL sets the default, and pages on the
 * generated test models (`?models=`) start with it off, so tests that are not about text do not
 * pay for the real OCR weights on every photo.
 */
export function ocrEnabled(): boolean {
  try {
    const saved = localStorage.getItem(OCR_KEY);
    if (saved === 'on' || saved === 'off') return saved === 'on';
  } catch {
    // no storage (private mode): the default below
  }
  const params = new URLSearchParams(location.search);
  const asked = params.get('ocr');
  if (asked === 'on' || asked === 'off') return asked === 'on';
  return !params.has('models');
}

export function saveOcrEnabled(on: boolean): void {
  localStorage.setItem(OCR_KEY, on ? 'on' : 'off');
}

const CONSENT_KEY = 'glimpse.hub-consent';

function consented(): string[] {
  try {
    const ids = JSON.parse(localStorage.getItem(CONSENT_KEY) ?? '[]') as unknown;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** Whether the person agreed to download every one of these models from the hub. */
export function hubConsentGiven(ids: string[]): boolean {
  const given = consented();
  return ids.every((id) => given.includes(id));
}

export function saveHubConsent(ids: string[]): void {
  localStorage.setItem(CONSENT_KEY, JSON.stringify([...new Set([...consented(), ...ids])]));
}
