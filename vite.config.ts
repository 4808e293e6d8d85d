import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { cspMeta } from './scripts/vite/csp.ts';
import { modelsFolder } from './scripts/vite/models-folder.ts';
import { ocrAssets } from './scripts/vite/ocr-assets.ts';
import { ortAssets } from './scripts/vite/ort-assets.ts';
import { SHARE_TARGET_SCRIPT, shareTargetWorker } from './scripts/vite/share-target-sw.ts';
import { SHARE_ACTION, SHARE_FIELD } from './src/sw/share-inbox.ts';

// Cross-origin isolation lets onnxruntime-web use threads (SharedArrayBuffer).
// A static host must send these same two headers (see README).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// The image types a desktop install opens (file_handlers wants MIME types with their extensions).
const IMAGE_TYPES: Record<string, string[]> = {
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
  'image/gif': ['.gif'],
  'image/webp': ['.webp'],
  'image/bmp': ['.bmp'],
  'image/avif': ['.avif'],
  'image/heic': ['.heic'],
  'image/heif': ['.heif'],
  'image/tiff': ['.tif', '.tiff'],
};

export default defineConfig({
  plugins: [
    svelte(),
    ortAssets(),
    ocrAssets(), // before modelsFolder: it answers models/ with 404 for files not in the repo's folder
    modelsFolder(),
    cspMeta(),
    shareTargetWorker(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg', 'icons/*.png'],
      manifest: {
        name: 'Glimpse — private photo search',
        short_name: 'Glimpse',
        description: 'Search your photos by what is in them. Runs entirely on your device.',
        theme_color: '#1f6feb',
        background_color: '#111318',
        display: 'standalone',
        start_url: '.',
        scope: '.',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        // "Share to Glimpse" from a phone's share sheet: answered by the service worker (src/sw/share-target.ts).
        share_target: { action: SHARE_ACTION, method: 'POST', enctype: 'multipart/form-data', params: { files: [{ name: SHARE_FIELD, accept: ['image/*'] }] } },
        // "Open with Glimpse" on a desktop install: the page's launchQueue consumer (src/ui/shared-files.ts).
        file_handlers: [{ action: '.', accept: IMAGE_TYPES }],
      },
      workbox: {
        // Before workbox's own routes: the share target's POST handler (scripts/vite/share-target-sw.ts).
        importScripts: [SHARE_TARGET_SCRIPT],
        // Precache only the app shell. ORT wasm and model files are not the service worker's:
        // transformers.js keeps each in its own Cache Storage cache ('transformers-cache') on first
        // use, whether or not this worker controls the page; a runtime cache here stored every one
        // a second time (npm test: test/browser/first-visit.test.ts).
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        globIgnores: ['ort/**', 'models/**'],
        navigateFallback: 'index.html',
        runtimeCaching: [],
      },
    }),
  ],
  worker: { format: 'es' },
  server: { headers: isolation },
  preview: { headers: isolation },
  build: { target: 'es2022', sourcemap: true },
});
