/**
 * The worker's lifecycle, set up once by the first `cacheSite`/`cachePage`/`cacheRoutes`
 * call (during the worker script's first evaluation, as the platform requires): claim the
 * pages on activation, so `register()` resolves on first load, and take over from the
 * active worker when a page asks (`onUpdate(...).activate()`).
 */
import { parseMessage } from '../core/protocol.js';

declare const self: ServiceWorkerGlobalScope;

let installed = false;

/** Adds the lifecycle listeners, once per worker. */
export function setUpWorker(): void {
  if (installed || typeof self === 'undefined' || typeof self.addEventListener !== 'function') return;
  installed = true;
  self.addEventListener('activate', (event) => {
    event.waitUntil(self.clients.claim());
  });
  self.addEventListener('message', (event) => {
    const message = parseMessage(event.data);
    if (message?.type === 'skip-waiting') event.waitUntil(self.skipWaiting());
  });
}
