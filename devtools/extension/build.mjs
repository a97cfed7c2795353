// Builds devtools/extension/panel.js (the extension's panel page script) from
// src/devtools/extension-panel.ts: the same view as the in-page panel, as one classic
// script, since an extension page loads no bare imports and allows no inline script.
//   node devtools/extension/build.mjs            -> devtools/extension/panel.js
//   import { buildPanel } from './build.mjs'; await buildPanel('/tmp/out')  (tests)
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const ENTRY = 'virtual:cachette-extension-panel';

/** Builds panel.js into `outDir` (default: this folder); resolves to the file's path. */
export async function buildPanel(outDir = here) {
  const source = JSON.stringify(join(root, 'src/devtools/extension-panel.ts'));
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    plugins: [
      {
        name: 'cachette:extension-panel-entry',
        enforce: 'pre',
        // Vite hands a lib entry over as a path under the root.
        resolveId: (id) => (id.endsWith(ENTRY) ? `\0${ENTRY}` : undefined),
        load: (id) =>
          id === `\0${ENTRY}`
            ? `import { startExtensionPanel } from ${source};\nstartExtensionPanel(chrome.devtools, document.getElementById('root'));\n`
            : undefined,
      },
    ],
    build: {
      outDir: resolve(outDir),
      emptyOutDir: false,
      target: 'es2022',
      minify: true,
      reportCompressedSize: false,
      lib: { entry: ENTRY, formats: ['iife'], name: 'CachettePanel', fileName: () => 'panel.js' },
    },
  });
  return join(resolve(outDir), 'panel.js');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = await buildPanel();
  console.log(`built ${file}`);
}
