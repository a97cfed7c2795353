/**
 * Builds a test worker the way a user's app does: a throwaway `vite build` whose only plugin
 * is the built `cachette/vite`, so the worker's `import ... from 'cachette/sw'` resolves to
 * this package's `dist/` (npm test builds first) through package.json `exports`.
 *
 * @example
 * const dir = await buildWorker(fileURLToPath(new URL('sw/claim.ts', import.meta.url)), outDir);
 * server.static('/', dir); // serves /sw.js
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
// Through package.json `exports`, as an app imports it (the package's self-reference).
import { cachetteWorker } from 'cachette/vite';

/** A blank page with an import map, so `await import('/dist/page.js')` works in a test page. */
export const BLANK_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>cachette e2e</title>
<script type="importmap">{ "imports": { "idb": "/node_modules/idb/build/index.js" } }</script>
</head><body></body></html>
`;

/**
 * Builds the worker `entry` (a TypeScript file, absolute or relative to the cwd) into
 * `outDir/<fileName>` with `cachetteWorker` in build mode (minified, one classic script);
 * `outDir` also gets a blank `index.html`. Returns `outDir`.
 */
export async function buildWorker(entry: string, outDir: string, fileName = 'sw.js'): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'cachette-worker-'));
  try {
    await writeFile(join(root, 'index.html'), BLANK_PAGE);
    await mkdir(outDir, { recursive: true });
    await build({
      root,
      configFile: false,
      logLevel: 'warn',
      plugins: [cachetteWorker({ entry: resolve(entry), fileName })],
      build: { outDir: resolve(outDir), emptyOutDir: true, reportCompressedSize: false },
    });
    return outDir;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
