import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';

// "Try the demo": `PACK=<pack folder> npm run build` copies the pack (pack.json and its parts,
// never the work folders) into dist/demo/ and marks index.html with a meta tag naming it; the app
// shows a "Try the demo" button that opens it (?pack=demo/). Without PACK nothing changes.
export const DEMO_DIR = 'demo';
export const DEMO_META = 'glimpse-demo-pack';

const meta = `<meta name="${DEMO_META}" content="${DEMO_DIR}/">`;

function copyPack(pack: string, outDir: string): void {
  if (!existsSync(path.join(pack, 'pack.json'))) throw new Error(`PACK=${pack}: no pack.json there (make one with npm run pack).`);
  cpSync(path.join(pack, 'pack.json'), path.join(outDir, DEMO_DIR, 'pack.json'));
  cpSync(path.join(pack, 'p'), path.join(outDir, DEMO_DIR, 'p'), { recursive: true });
}

/** The same on an already built site (tests: a second site beside the shared dist/ without building again). */
export function installDemoPack(pack: string, outDir: string): void {
  copyPack(pack, outDir);
  const html = path.join(outDir, 'index.html');
  writeFileSync(html, readFileSync(html, 'utf8').replace('</head>', `${meta}</head>`));
}

export function demoPack(pack = process.env.PACK): Plugin {
  let outDir = 'dist';
  return {
    name: 'glimpse-demo-pack',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    transformIndexHtml(html) {
      return pack ? html.replace('</head>', `${meta}</head>`) : html;
    },
    writeBundle() {
      if (pack) copyPack(path.resolve(pack), outDir);
    },
  };
}
