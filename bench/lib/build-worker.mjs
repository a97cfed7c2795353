// Bundles one service worker entry (bench/workers/<name>.ts) into one classic, minified
// script, with the settings `cachetteWorker` (src/vite/plugin.ts) uses in `vite build`:
// a nested Vite build, iife, no code splitting, production mode (so workbox's dev-only
// logging is compiled out). `cachette/sw` is aliased to src/sw/index.ts, so a run measures
// the current source (no `npm run build` needed).
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/**
 * A checkout of another version of this repository (`CACHETTE_BASELINE=/tmp/base`, made with
 * `git worktree add /tmp/base <commit>`): the fetch benchmarks run Cachette's workers built
 * from it beside the current ones, so what a change costs is measured in one run.
 */
export const BASELINE = process.env.CACHETTE_BASELINE || undefined;

const WORKERS = fileURLToPath(new URL('../workers/', import.meta.url));
const SW_SOURCE = fileURLToPath(new URL('../../src/sw/index.ts', import.meta.url));

/**
 * Builds bench/workers/<name>.ts; resolves to the script's code. `checkout`, a directory
 * holding another version of this repository (`git worktree add /tmp/base <commit>`), builds
 * the same worker against that version's `src/sw` instead, to measure a change in one run.
 * @param {string} name
 * @param {string} [checkout]
 * @returns {Promise<string>}
 */
export async function buildWorker(name, checkout) {
  const entry = `${WORKERS}${name}.ts`;
  const result = await build({
    configFile: false,
    root: WORKERS,
    mode: 'production',
    logLevel: 'warn',
    publicDir: false,
    plugins: [],
    resolve: { alias: { 'cachette/sw': checkout === undefined ? SW_SOURCE : join(resolvePath(checkout), 'src/sw/index.ts') } },
    build: {
      write: false,
      copyPublicDir: false,
      emptyOutDir: false,
      minify: true,
      sourcemap: false,
      modulePreload: false,
      reportCompressedSize: false,
      rolldownOptions: { input: entry, output: { format: 'iife', entryFileNames: `${name}.js`, codeSplitting: false } },
    },
  });
  for (const output of Array.isArray(result) ? result : [result]) {
    if (!('output' in output)) continue;
    for (const item of output.output) {
      if (item.type !== 'chunk' || !item.isEntry) continue;
      // Left in, workbox would log every request (and Cachette's bundle must not need Node).
      if (item.code.includes('process.env')) throw new Error(`the worker ${name} still reads process.env after the build`);
      return item.code;
    }
  }
  throw new Error(`building the worker ${entry} produced no script`);
}
