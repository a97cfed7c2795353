/**
 * The worker's lifecycle and messages, set up once by the first `cacheSite`/`cachePage`/
 * `cacheRoutes` call (during the worker script's first evaluation, as the platform
 * requires): claim the pages on activation, so `register()` resolves on first load; take
 * over from the active worker when a page asks (`onUpdate(...).activate()`); and apply
 * invalidations posted by pages, answering once the worker's stores are clean; and answer
 * the devtools panel's requests for a snapshot.
 */
import { invalidationBus } from '../invalidations.js';
import { message, parseMessage } from '../core/protocol.js';
import { reportError } from '../core/report.js';
import { checkRouteAliasesAfterStart } from './check-aliases.js';
import { workerSnapshot } from './devtools-snapshot.js';
import { forgetVaryLists } from './request-key.js';
import { workerWrites } from './worker-writes.js';

declare const self: ServiceWorkerGlobalScope;

let installed = false;

/** Adds the lifecycle listeners, once per worker. */
export function setUpWorker(): void {
  if (installed || typeof self === 'undefined' || typeof self.addEventListener !== 'function') return;
  installed = true;
  const bus = invalidationBus();
  bus.listen();
  bus.guardWrites(workerWrites);
  // Memoised Vary lists are an in-memory copy: any invalidation may have removed the stored ones.
  bus.onInvalidate(() => forgetVaryLists());
  checkRouteAliasesAfterStart(); // once, after the script's first evaluation (fire-and-forget)
  self.addEventListener('activate', (event) => {
    event.waitUntil(self.clients.claim());
  });
  self.addEventListener('message', (event) => {
    const msg = parseMessage(event.data);
    if (msg?.type === 'skip-waiting') event.waitUntil(self.skipWaiting());
    if (msg?.type === 'invalidate') {
      const port = event.ports[0];
      event.waitUntil(bus.receive(msg, port ? (answer) => port.postMessage(answer) : undefined));
    }
    if (msg?.type === 'devtools-request' && event.ports[0]) {
      const port = event.ports[0];
      event.waitUntil(
        workerSnapshot()
          .then((snapshot) => port.postMessage(message({ type: 'devtools-snapshot', id: msg.id, snapshot })))
          .catch((error: unknown) => reportError(error, 'answering the devtools panel')),
      );
    }
  });
}
