/**
 * What cachetteWorker() adds around the user's bundled worker: in `vite` dev, a first fetch
 * listener that sends Vite's own requests straight to the network and an install listener
 * that activates a rebuilt worker at once; in dev and build, a report of an error thrown
 * while the script is first evaluated (the platform tells the page only "ServiceWorker
 * script evaluation failed"). Runs in Node, inside Vite: these are strings of worker code.
 */

import { WORKER_ERROR_CHANNEL } from '../core/worker-error-channel.js';

export { WORKER_ERROR_CHANNEL };

/** How the dev worker treats Vite's own requests and its own updates. */
export interface DevWorkerBehaviour {
  viteRequests: 'network' | 'worker';
  update: 'activate' | 'prompt';
}

/**
 * Paths under `base` that only Vite's dev server answers: its client and env, modules by
 * file system path or id, dependencies (pre-bundled or not), React's refresh runtime.
 */
const VITE_PATHS = ['@vite/', '@fs/', '@id/', '@react-refresh', 'node_modules/'];

/**
 * Query parameters Vite adds to module URLs: `?import` (an asset imported as a module),
 * `?t=<ms>` (a module re-fetched after an edit), `?v=<hash>` (a dependency's version),
 * `?html-proxy`, `?direct`. A user's own `?v=2` does not look like Vite's 8-hex hash.
 */
const VITE_QUERY = /(?:^|&)(?:import|direct|html-proxy|t=\d{10,}|v=[0-9a-f]{8})(?:[&=]|$)/;

/** Worker code run before the user's: Vite's requests past every route, and self-activation. */
export function devPrelude(base: string, behaviour: DevWorkerBehaviour): string {
  const lines: string[] = [];
  if (behaviour.viteRequests === 'network') {
    const prefixes = VITE_PATHS.map((path) => `${base}${path}`);
    lines.push(
      // Registered before any route: stopping the event here leaves the request to the network.
      `self.addEventListener('fetch', function (event) {`,
      `  var url = new URL(event.request.url);`,
      `  if (url.origin !== self.location.origin) return;`,
      `  var prefixes = ${JSON.stringify(prefixes)};`,
      `  var own = prefixes.some(function (prefix) { return url.pathname.startsWith(prefix); }) || ${VITE_QUERY}.test(url.search.slice(1));`,
      `  if (own) event.stopImmediatePropagation();`,
      `});`,
    );
  }
  if (behaviour.update === 'activate') {
    // An edited worker takes over as soon as it is installed: no "new version" prompt in dev.
    lines.push(`self.addEventListener('install', function () { self.skipWaiting(); });`);
  }
  return lines.length ? `/* cachette/vite dev */ ${lines.join(' ')}\n` : '';
}

/**
 * `code` run so that an error it throws while evaluated is posted on
 * {@link WORKER_ERROR_CHANNEL} first (for register() and the dev server), then thrown as
 * before. Opens on the code's first line, so an inline source map stays right; a
 * `sourceMappingURL` comment is moved to the end.
 */
export function reportingEvaluationErrors(code: string): string {
  const map = /\n\/\/# sourceMappingURL=[^\n]*\s*$/.exec(code);
  const body = map ? code.slice(0, map.index) : code;
  const report =
    `try { new BroadcastChannel(${JSON.stringify(WORKER_ERROR_CHANNEL)}).postMessage({ ` +
    `message: String(error && error.stack || error), scriptURL: self.location.href }); } catch (_) {}`;
  return `try {${body}\n} catch (error) { ${report} throw error; }${map ? map[0] : '\n'}`;
}

/** The HMR event the dev server sends when the worker at `url` was rebuilt after an edit. */
export const WORKER_REBUILT_EVENT = 'cachette:worker-rebuilt';

/**
 * The page-side dev client injected into index.html by `vite` dev: what a worker posts on
 * {@link WORKER_ERROR_CHANNEL} goes to the dev server (terminal and error overlay), and a
 * rebuilt worker is fetched at once (`registration.update()`); one that activates itself
 * reloads the page once it controls it, as an edit to a page module would show at once.
 */
export function devClient(behaviour: DevWorkerBehaviour): string {
  const reload = behaviour.update === 'activate';
  return `
const hot = import.meta.hot;
if (hot && typeof BroadcastChannel === 'function') {
  const channel = new BroadcastChannel(${JSON.stringify(WORKER_ERROR_CHANNEL)});
  channel.onmessage = (event) => hot.send(${JSON.stringify(WORKER_ERROR_CHANNEL)}, event.data);
}
if (hot && navigator.serviceWorker) {
  hot.on(${JSON.stringify(WORKER_REBUILT_EVENT)}, async ({ url }) => {
    const container = navigator.serviceWorker;
    const registration = await container.getRegistration();
    const worker = registration && (registration.active || registration.waiting || registration.installing);
    if (!worker || new URL(worker.scriptURL).pathname !== url) return;
    ${reload ? "container.addEventListener('controllerchange', () => location.reload(), { once: true });" : ''}
    await registration.update().catch(() => {});
  });
}
`;
}
