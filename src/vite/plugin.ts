/**
 * 'cachette/vite': builds the app's service worker (a TypeScript file importing
 * 'cachette/sw') into one classic script at a fixed URL, in `vite` dev and `vite build`.
 * Runs in Node, inside Vite; nothing here reaches the browser.
 */
import { isAbsolute, resolve } from 'node:path';
import * as vite from 'vite';
import type { InlineConfig, Plugin, ResolvedConfig, ViteDevServer } from 'vite';

/** Options of `cachetteWorker`. */
export interface CachetteWorkerOptions {
  /** The worker's source, relative to the Vite root or absolute; default `'src/sw.ts'`. */
  entry?: string;
  /** The worker's file name in the output and its URL under `base`; default `'sw.js'`. */
  fileName?: string;
}

/**
 * A Vite plugin that bundles your worker (`src/sw.ts` importing `'cachette/sw'`) into one
 * classic script, `/sw.js`: served from memory by `vite` dev (rebuilt after a change, with
 * `Service-Worker-Allowed: /`), and emitted unhashed and minified by `vite build`.
 * Everything the worker imports is inlined, resolved from your project as your app's imports
 * are (with your `resolve.alias`, `define` and mode).
 * @example
 * // vite.config.ts
 * import { defineConfig } from 'vite';
 * import { cachetteWorker } from 'cachette/vite';
 * export default defineConfig({ plugins: [cachetteWorker({ entry: 'src/sw.ts' })] });
 * // then, in the page: await register('/sw.js') from 'cachette/page'
 */
export function cachetteWorker(options: CachetteWorkerOptions = {}): Plugin {
  const entryOption = options.entry ?? 'src/sw.ts';
  const fileName = (options.fileName ?? 'sw.js').replace(/^\/+/, '');
  if (!fileName || fileName.endsWith('/')) {
    throw new TypeError(`cachette/vite: fileName must name a file, such as 'sw.js', got '${options.fileName}'`);
  }
  let config: ResolvedConfig;

  return {
    name: 'cachette:worker',
    configResolved(resolved) {
      config = resolved;
    },

    configureServer(server: ViteDevServer) {
      const url = `${config.base.endsWith('/') ? config.base : `${config.base}/`}${fileName}`;
      let pending: Promise<string> | undefined;
      // Any change may touch the worker's module graph; rebuilding lazily on the next request
      // keeps this cheap however many files change.
      const invalidate = (): void => {
        pending = undefined;
      };
      server.watcher.on('change', invalidate);
      server.watcher.on('add', invalidate);
      server.watcher.on('unlink', invalidate);

      server.middlewares.use((req, res, next) => {
        const pathname = (req.url ?? '').split('?')[0];
        if (pathname !== url || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
        const building = (pending ??= bundleWorker(config, entryPath(config, entryOption), fileName, false).then(
          ({ code, modules }) => {
            // Files outside the root (a linked package, a shared folder) are not watched by default.
            server.watcher.add(modules.filter((id) => isAbsolute(id) && !id.includes('/node_modules/')));
            return code;
          },
        ));
        building.then(
          (code) => {
            res.statusCode = 200;
            res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
            res.setHeader('Service-Worker-Allowed', '/');
            res.setHeader('Cache-Control', 'no-cache');
            res.end(req.method === 'HEAD' ? undefined : code);
          },
          (error: unknown) => {
            if (pending === building) pending = undefined;
            const text = error instanceof Error ? error.message : String(error);
            config.logger.error(`cachette/vite: building the worker ${entryOption} failed: ${text}`, {
              error: error instanceof Error ? error : null,
            });
            // A failed script keeps the previous worker running rather than installing a broken one.
            res.statusCode = 500;
            res.setHeader('Content-Type', 'text/plain; charset=utf-8');
            res.end(`cachette/vite: building the worker ${entryOption} failed:\n${text}`);
          },
        );
      });
    },

    applyToEnvironment(environment) {
      // `vite build` may build a server environment too; the worker belongs with the client.
      return environment.config.consumer === 'client';
    },

    async generateBundle() {
      if (config.command !== 'build' || config.build.ssr) return;
      const { code, modules } = await bundleWorker(config, entryPath(config, entryOption), fileName, true);
      for (const id of modules) if (isAbsolute(id)) this.addWatchFile(id);
      this.emitFile({ type: 'asset', fileName, source: code });
    },
  };
}

interface BuiltWorker {
  code: string;
  /** The files bundled into the worker, for watching. */
  modules: string[];
}

function entryPath(config: ResolvedConfig, entry: string): string {
  return isAbsolute(entry) ? entry : resolve(config.root, entry);
}

/**
 * The worker as one classic script, built by a nested Vite build that does not load the
 * user's config file (so this plugin is not applied again) but shares what decides how
 * imports resolve and what is defined.
 */
async function bundleWorker(config: ResolvedConfig, entry: string, fileName: string, production: boolean): Promise<BuiltWorker> {
  // Vite 8 bundles with Rolldown (`codeSplitting: false`); Vite 6 and 7 with Rollup.
  const inline = 'rolldownVersion' in vite ? { codeSplitting: false } : { inlineDynamicImports: true };
  const inlineConfig: InlineConfig = {
    configFile: false,
    root: config.root,
    mode: config.mode,
    envDir: config.envDir,
    envPrefix: config.envPrefix,
    define: config.define,
    resolve: { alias: config.resolve.alias, dedupe: config.resolve.dedupe },
    logLevel: config.logLevel === 'silent' ? 'silent' : 'warn',
    publicDir: false,
    plugins: [],
    build: {
      write: false,
      copyPublicDir: false,
      emptyOutDir: false,
      minify: production,
      sourcemap: production ? false : 'inline',
      modulePreload: false,
      reportCompressedSize: false,
      rollupOptions: {
        input: entry,
        output: { format: 'iife', entryFileNames: fileName, ...inline },
      },
    },
  };
  const result = await vite.build(inlineConfig);
  const outputs = Array.isArray(result) ? result : [result];
  for (const output of outputs) {
    if (!('output' in output)) continue;
    for (const item of output.output) {
      if (item.type === 'chunk' && item.isEntry) return { code: item.code, modules: item.moduleIds.slice() };
    }
  }
  throw new Error(`cachette/vite: building ${entry} produced no script`);
}
