import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const IDB = { name: 'idb', message: 'Only src/storage/ imports idb.' };
const HF = { name: '@huggingface/transformers', message: 'Only src/ml/ imports transformers.js.' };
const ORT = { name: 'onnxruntime-web', message: 'Only src/ml/ imports onnxruntime-web.' };
const UMAP = { group: ['umap-js', 'umap-js/*'], message: 'Only src/core/map/ imports umap-js (the map worker composes it).' };
const ZIP = { group: ['@zip.js/zip.js', '@zip.js/zip.js/*'], message: 'Only src/archive/zip.ts imports zip.js.' };
const rooms = (where, paths, patterns = []) => ({
  ...where,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});

export default tseslint.config(
  { ignores: ['dist/', 'dev-dist/', 'node_modules/', 'models/', 'bench/out/', 'test/artifacts/', 'public/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: {
        // Each room's own tsconfig: a file is linted with the types of the room it lives in.
        project: ['./tsconfig.json', './src/core/tsconfig.json', './workers/tsconfig.json', './src/sw/tsconfig.json', './tsconfig.node.json'],
        extraFileExtensions: ['.svelte'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Promises must be awaited, returned or explicitly voided; no async callbacks where void is expected.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  { files: ['*.js'], ...tseslint.configs.disableTypeChecked },
  // House rule 1, "rooms": who may import what.
  rooms({ files: ['src/**/*.ts', 'src/**/*.svelte', 'workers/**/*.ts'], ignores: ['src/storage/**', 'src/ml/**', 'src/archive/**', 'src/pack/**', 'src/core/map/**'] }, [IDB, HF, ORT], [ZIP, UMAP]),
  rooms({ files: ['src/core/map/**/*.ts'] }, [IDB, HF, ORT], [ZIP]),
  // The library file format: zip.js behind src/archive/zip.ts; no storage, models or workers.
  rooms({ files: ['src/archive/**/*.ts'], ignores: ['src/archive/zip.ts'] }, [IDB, HF, ORT], [ZIP, UMAP, { group: ['**/storage/**', '**/ml/**', '**/workers/**', '**/bridge/**', '**/ui/**'], message: 'src/archive/ is the file format: workers compose it with storage.' }]),
  rooms({ files: ['src/archive/zip.ts'] }, [IDB, HF, ORT], [UMAP]),
  // The static pack reader: HTTP, checksums, a block store. Workers compose it with the forest and search.
  rooms({ files: ['src/pack/**/*.ts'] }, [IDB, HF, ORT], [ZIP, UMAP, { group: ['**/storage/**', '**/ml/**', '**/workers/**', '**/bridge/**', '**/ui/**', '**/archive/**'], message: 'src/pack/ reads packs over HTTP: workers compose it with search.' }]),
  rooms({ files: ['src/storage/**/*.ts'] }, [HF, ORT], [ZIP, UMAP]),
  rooms({ files: ['src/ml/**/*.ts'] }, [IDB], [ZIP, UMAP]),
  // The service worker's share handler: Cache Storage only, nothing of the app's.
  rooms({ files: ['src/sw/**/*.ts'] }, [IDB, HF, ORT], [ZIP, UMAP, { group: ['**/ui/**', '**/bridge/**', '**/storage/**', '**/ml/**', '**/workers/**', '**/archive/**'], message: 'The service worker code stands alone (it is loaded with importScripts).' }]),
  rooms({ files: ['src/ui/**', 'src/main.ts'] }, [IDB, HF, ORT], [
    ZIP,
    UMAP,
    { group: ['**/workers/**'], allowTypeImports: true, message: 'The UI reaches workers only through src/bridge/bridge.ts.' },
    { group: ['**/storage/**', '**/ml/**', '**/archive/**', '**/pack/**', '**/bridge/worker-handle*'], message: 'The UI reaches storage, models and the library file format through src/bridge/bridge.ts.' },
  ]),
);
