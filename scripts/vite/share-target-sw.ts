import path from 'node:path';
import { build, type Plugin, type Rolldown } from 'vite';

// The service worker's share-target handler (src/sw/share-target.ts), built on its own into one
// classic script that workbox's generated sw.js loads with importScripts (vite.config.ts). Its own
// small build: importScripts takes no ES modules, and the app's build would split shared code out.
export const SHARE_TARGET_SCRIPT = 'share-target.js';

export function shareTargetWorker(entry = 'src/sw/share-target.ts'): Plugin {
  let root = process.cwd();
  return {
    name: 'glimpse-share-target-sw',
    apply: 'build',
    configResolved(config) {
      root = config.root;
    },
    async generateBundle() {
      const result = await build({
        configFile: false,
        root,
        publicDir: false,
        logLevel: 'warn',
        build: {
          write: false,
          target: 'es2022',
          minify: true,
          sourcemap: false,
          lib: { entry: path.resolve(root, entry), formats: ['iife'], name: 'glimpseShareTarget', fileName: () => SHARE_TARGET_SCRIPT },
        },
      });
      const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
      const chunk = outputs.flatMap((o) => o.output).find((o): o is Rolldown.OutputChunk => o.type === 'chunk');
      if (!chunk) throw new Error(`${entry}: the build gave no script`);
      // An asset here, so generateSW (which runs after the bundle is written) precaches it with the shell.
      this.emitFile({ type: 'asset', fileName: SHARE_TARGET_SCRIPT, source: chunk.code });
    },
  };
}
