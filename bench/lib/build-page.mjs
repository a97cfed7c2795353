// Bundles one benchmark page with Vite, minified, as a user's app would ship the library.
// The page imports Cachette from src/, so a run measures the current source (no
// `npm run build` needed). Pages live in bench/page/<name>.html; output goes to
// bench/dist/<name>/.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { build } from 'vite';

const PAGES = fileURLToPath(new URL('../page/', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

/** Builds bench/page/<name>.html; resolves to the output directory and the page's path. */
export async function buildPage(name) {
  const outDir = join(DIST, name);
  await build({
    root: PAGES,
    configFile: false, // not the library's vite.config.ts (lib mode, unminified)
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      sourcemap: false,
      modulePreload: false,
      rolldownOptions: { input: join(PAGES, `${name}.html`) },
    },
  });
  return { dir: outDir, path: `/${name}.html` };
}
