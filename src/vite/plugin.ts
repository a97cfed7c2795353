/**
 * 'cachette/vite': builds the app's service worker (a TypeScript file importing
 * 'cachette/sw') into one classic script at a fixed URL, in `vite` dev and `vite build`.
 * Runs in Node, inside Vite; nothing here reaches the browser.
 */
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import * as vite from 'vite';
import type { InlineConfig, Logger, Plugin, ResolvedConfig, ViteDevServer } from 'vite';
import { devClient, devPrelude, reportingEvaluationErrors, WORKER_ERROR_CHANNEL, WORKER_REBUILT_EVENT, type DevWorkerBehaviour } from './dev-worker-code.js';

/** Options of `cachetteWorker`. */
export interface CachetteWorkerOptions {
  /** The worker's source, relative to the Vite root or absolute; default `'src/sw.ts'`. */
  entry?: string;
  /** The worker's file name in the output and its URL under `base`; default `'sw.js'`. */
  fileName?: string;
  /** How the worker behaves in `vite` dev (`vite build` is not affected). */
  dev?: CachetteWorkerDevOptions;
}

/** `vite` dev only: the worker stays out of the way of development. */
export interface CachetteWorkerDevOptions {
  /**
   * Vite's own requests (its client, `/@fs/`, `/@id/` and `/node_modules/` modules,
   * pre-bundled dependencies, URLs with `?v=<hash>`, `?t=<time>` or `?import`):
   * `'network'` (default) sends them to Vite past every route, so nothing of Vite's is
   * stored; `'worker'` lets your routes see them (to try the app offline in dev).
   */
  viteRequests?: 'network' | 'worker';
  /**
   * A worker rebuilt after an edit: `'activate'` (default) takes over as soon as it is
   * installed, with no `onUpdate` prompt; `'prompt'` waits like a production update.
   */
  update?: 'activate' | 'prompt';
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
  const behaviour = devBehaviour(options.dev);
  let config: ResolvedConfig;

  return {
    name: 'cachette:worker',
    configResolved(resolved) {
      config = resolved;
    },

    configureServer(server: ViteDevServer) {
      const url = workerURL(config, fileName);
      const entry = entryPath(config, entryOption);
      const worker = devWorker(server, config, entry, entryOption, fileName, behaviour);
      server.ws.on(WORKER_ERROR_CHANNEL, (data: unknown) => reportEvaluationError(server, config, entryOption, data));
      // Any change may touch the worker's module graph; a change to one of its own files
      // rebuilds at once, so a mistake in sw.ts shows in the terminal and the overlay as
      // it is saved, not at the browser's next update check.
      const onChange = (file: string): void => worker.changed(file);
      server.watcher.on('change', onChange);
      server.watcher.on('add', onChange);
      server.watcher.on('unlink', onChange);

      server.middlewares.use((req, res, next) => {
        const pathname = (req.url ?? '').split('?')[0];
        if (pathname !== url || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
        worker.code().then(
          (code) => {
            res.statusCode = 200;
            res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
            res.setHeader('Service-Worker-Allowed', '/');
            res.setHeader('Cache-Control', 'no-cache');
            res.end(req.method === 'HEAD' ? undefined : code);
          },
          (error: unknown) => {
            // Never built: a failed script keeps any previous worker running rather than installing a broken one.
            res.statusCode = 500;
            res.setHeader('Content-Type', 'text/plain; charset=utf-8');
            // Plain text for the browser (register() shows it): no terminal colours.
            res.end(stripVTControlCharacters(`cachette/vite: building the worker ${entryOption} failed:\n${errorText(error)}`));
          },
        );
      });
    },

    transformIndexHtml: {
      order: 'pre',
      handler() {
        // `vite` dev only: a worker's evaluation error, posted by the worker, reaches the terminal and the overlay.
        if (config.command !== 'serve') return undefined;
        return [{ tag: 'script', attrs: { type: 'module' }, children: devClient(behaviour), injectTo: 'head-prepend' }];
      },
    },

    applyToEnvironment(environment) {
      // `vite build` may build a server environment too; the worker belongs with the client.
      return environment.config.consumer === 'client';
    },

    async generateBundle() {
      if (config.command !== 'build' || config.build.ssr) return;
      const { code, modules } = await bundleWorker(config, entryPath(config, entryOption), fileName, true);
      for (const id of modules) if (isAbsolute(id)) this.addWatchFile(id);
      this.emitFile({ type: 'asset', fileName, source: reportingEvaluationErrors(code) });
    },
  };
}

/** The dev server's worker: built on demand, rebuilt when its files change, the last good build kept. */
interface DevWorker {
  /** The script to serve: the current build, else the last good one; rejects if none ever built. */
  code(): Promise<string>;
  /** A file changed: forget the build, and rebuild now if the worker is made of it. */
  changed(file: string): void;
}

function devWorker(server: ViteDevServer, config: ResolvedConfig, entry: string, entryOption: string, fileName: string, behaviour: DevWorkerBehaviour): DevWorker {
  let pending: Promise<string> | undefined;
  let generation = 0;
  let lastGood: string | undefined;
  let failed = false;
  /** The error last reported, until a build succeeds. */
  let reported: string | undefined;
  const modules = new Set<string>([entry]);

  const build = (): Promise<string> => {
    const mine = ++generation;
    const building = bundleWorker(config, entry, fileName, false).then(
      (bundled) => {
        const built = { ...bundled, code: devPrelude(config.base, behaviour) + reportingEvaluationErrors(bundled.code) };
        if (mine !== generation) return built.code;
        const replaced = lastGood !== undefined && lastGood !== built.code;
        lastGood = built.code;
        for (const id of built.modules) if (isAbsolute(id)) modules.add(id);
        // Files outside the root (a linked package, a shared folder) are not watched by default.
        server.watcher.add(built.modules.filter((id) => isAbsolute(id) && !id.includes('/node_modules/')));
        reported = undefined;
        if (failed) {
          failed = false;
          config.logger.info(`cachette/vite: the worker ${entryOption} builds again`, { timestamp: true });
          // Clears the error overlay; the reloaded page's update check installs the fixed worker.
          server.ws.send({ type: 'full-reload', path: '*' });
        } else if (replaced) {
          // The pages' dev client fetches it at once (registration.update()), as an edit to a page module shows at once.
          server.ws.send({ type: 'custom', event: WORKER_REBUILT_EVENT, data: { url: workerURL(config, fileName) } });
        }
        return built.code;
      },
      (error: unknown) => {
        if (mine === generation) {
          failed = true;
          // One report per mistake: a save that changes nothing of it (or a second look at the file) says nothing new.
          const text = errorText(error);
          if (text !== reported) reportBuildError(server, config, entryOption, error, lastGood !== undefined);
          reported = text;
        }
        // The last good worker goes on being served: the browser keeps the worker it has.
        if (lastGood !== undefined) return lastGood;
        throw error;
      },
    );
    // A failure is kept until a file changes: one report per mistake, not one per request.
    building.catch(() => {}); // fire-and-forget here; the request that asked gets the rejection
    return building;
  };

  const changed = (file: string): void => {
    pending = undefined;
    if (!modules.has(file) && !modules.has(resolve(file))) return;
    pending = build();
    // Vite's watcher (chokidar) reports one change per file per 50 ms and drops the rest, so a
    // second save inside that window (format-on-save, a generator writing twice) would leave
    // the worker built from the first. Look at the file again once the window has passed.
    const seen = version(file);
    setTimeout(() => {
      if (version(file) !== seen) changed(file);
    }, 75).unref();
  };

  return { code: () => (pending ??= build()), changed };
}

/** The dev options, checked: a wrong key or value is named with what is accepted. */
function devBehaviour(dev: CachetteWorkerDevOptions | undefined): DevWorkerBehaviour {
  if (dev === undefined) return { viteRequests: 'network', update: 'activate' };
  if (typeof dev !== 'object' || dev === null || Array.isArray(dev)) {
    throw new TypeError(`cachette/vite: dev must be an object such as { viteRequests: 'network', update: 'activate' }, got ${JSON.stringify(dev)}`);
  }
  for (const key of Object.keys(dev)) {
    if (key !== 'viteRequests' && key !== 'update') {
      throw new TypeError(`cachette/vite: dev has no option '${key}'; the options are viteRequests and update`);
    }
  }
  const viteRequests = dev.viteRequests ?? 'network';
  if (viteRequests !== 'network' && viteRequests !== 'worker') {
    throw new TypeError(`cachette/vite: dev.viteRequests must be 'network' or 'worker', got ${JSON.stringify(dev.viteRequests)}`);
  }
  const update = dev.update ?? 'activate';
  if (update !== 'activate' && update !== 'prompt') {
    throw new TypeError(`cachette/vite: dev.update must be 'activate' or 'prompt', got ${JSON.stringify(dev.update)}`);
  }
  return { viteRequests, update };
}

/** A worker's evaluation error, posted by the page's dev client: reported once per message a moment, in the terminal and the overlay. */
const recentlyReported = new Map<string, number>();
function reportEvaluationError(server: ViteDevServer, config: ResolvedConfig, entryOption: string, data: unknown): void {
  const text = typeof (data as { message?: unknown })?.message === 'string' ? (data as { message: string }).message : String(data);
  // Every open tab hears the worker: one report for all of them.
  const now = Date.now();
  for (const [seen, at] of recentlyReported) if (now - at > 2000) recentlyReported.delete(seen);
  if (recentlyReported.has(text)) return;
  recentlyReported.set(text, now);
  const [first = text, ...frames] = text.split('\n');
  const message = `cachette/vite: the worker ${entryOption} threw while the browser evaluated it: ${first}`;
  config.logger.error(frames.length ? `${message}\n${frames.join('\n')}` : message, { timestamp: true });
  server.ws.send({
    type: 'error',
    err: { message: stripVTControlCharacters(message), stack: frames.filter((line) => /^\s*at /.test(line)).join('\n'), plugin: 'cachette:worker' },
  });
}

/** A file's modification time and size, to tell whether it was written again; '' once it is gone. */
function version(file: string): string {
  try {
    const stats = statSync(file, { bigint: true });
    return `${stats.mtimeNs}:${stats.size}`;
  } catch {
    return '';
  }
}

/** A worker build error in the terminal and in Vite's error overlay. */
function reportBuildError(server: ViteDevServer, config: ResolvedConfig, entryOption: string, error: unknown, keeping: boolean): void {
  const text = errorText(error);
  const kept = keeping ? ' (the last good worker is still served)' : '';
  const message = `cachette/vite: building the worker ${entryOption} failed${kept}: ${text}`;
  config.logger.error(message, { error: error instanceof Error ? error : null, timestamp: true });
  const details = (error ?? {}) as { id?: unknown; frame?: unknown; loc?: unknown; stack?: unknown };
  // As Vite's own overlay errors: no terminal colours, only the stack's frames.
  const stack = typeof details.stack === 'string' ? details.stack.split('\n').filter((line) => /^\s*at /.test(line)).join('\n') : '';
  server.ws.send({
    type: 'error',
    err: {
      message: stripVTControlCharacters(message),
      stack: stripVTControlCharacters(stack),
      plugin: 'cachette:worker',
      ...(typeof details.id === 'string' ? { id: details.id } : {}),
      ...(typeof details.frame === 'string' ? { frame: stripVTControlCharacters(details.frame) } : {}),
      ...(isLoc(details.loc) ? { loc: details.loc } : {}),
    },
  });
}

function isLoc(value: unknown): value is { file?: string; line: number; column: number } {
  return typeof value === 'object' && value !== null && typeof (value as { line?: unknown }).line === 'number' && typeof (value as { column?: unknown }).column === 'number';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface BuiltWorker {
  code: string;
  /** The files bundled into the worker, for watching. */
  modules: string[];
}

/** The worker's path in `vite` dev: `fileName` under `base`. */
function workerURL(config: ResolvedConfig, fileName: string): string {
  return `${config.base.endsWith('/') ? config.base : `${config.base}/`}${fileName}`;
}

function entryPath(config: ResolvedConfig, entry: string): string {
  return isAbsolute(entry) ? entry : resolve(config.root, entry);
}

/**
 * The worker as one classic script, built by a nested Vite build that does not load the
 * user's config file (so this plugin is not applied again) but shares what decides how
 * imports resolve and what is defined. Dynamic imports are inlined (a service worker cannot
 * `import()`). Rolldown refuses an IIFE when a dynamic import sits in code it tree-shook
 * away ("UMD and IIFE are not supported for code-splitting builds", even with
 * `codeSplitting: false`); then the worker is built as an ES module, which has no import,
 * export or `import.meta` left once everything is inlined, and wrapped in a function.
 */
async function bundleWorker(config: ResolvedConfig, entry: string, fileName: string, production: boolean): Promise<BuiltWorker> {
  // The IIFE attempt's logs are held: shown if it is the build that counts, dropped if the ES one replaces it.
  const held: (() => void)[] = [];
  try {
    const built = await bundleWorkerAs('iife', config, entry, fileName, production, holdingLogger(config.logger, held));
    for (const log of held) log();
    return built;
  } catch (error) {
    if (!/not supported for code-splitting builds/.test(String((error as Error)?.message))) {
      for (const log of held) log();
      throw error;
    }
    const built = await bundleWorkerAs('es', config, entry, fileName, production, config.logger);
    if (/^\s*(import|export)\b/m.test(built.code) || built.code.includes('import.meta')) {
      throw new Error(`cachette/vite: ${entry} could not be bundled into one classic script (it keeps an import, an export or import.meta)`, { cause: error });
    }
    // On the first line, so an inline source map stays right for every other line.
    return { ...built, code: `(function () {${built.code}\n})();\n` };
  }
}

async function bundleWorkerAs(format: 'iife' | 'es', config: ResolvedConfig, entry: string, fileName: string, production: boolean, logger: Logger): Promise<BuiltWorker> {
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
    customLogger: logger,
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
        output: { format, entryFileNames: fileName, ...inline },
        // Vite's preload helper tests `import.meta.resolve`, read as `{}` in a classic script: it falls back, as it should.
        onLog(level, log, handler) {
          if (log.code === 'EMPTY_IMPORT_META' && String(log.id ?? '').includes('preload-helper')) return;
          handler(level, log);
        },
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

/** A logger that keeps what it is told in `held`, to pass on to `target` later or never. */
function holdingLogger(target: Logger, held: (() => void)[]): Logger {
  return {
    info: (msg, options) => held.push(() => target.info(msg, options)),
    warn: (msg, options) => held.push(() => target.warn(msg, options)),
    warnOnce: (msg, options) => held.push(() => target.warnOnce(msg, options)),
    error: (msg, options) => held.push(() => target.error(msg, options)),
    clearScreen: () => {},
    hasErrorLogged: (error) => target.hasErrorLogged(error),
    get hasWarned() {
      return target.hasWarned;
    },
    set hasWarned(value) {
      target.hasWarned = value;
    },
  };
}
