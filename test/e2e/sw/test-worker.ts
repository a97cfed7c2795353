/**
 * The register tests' worker, as a user writes one: Cachette's worker API (whose first call
 * sets up the lifecycle: claim the pages on activation, skip waiting when a page's
 * `onUpdate(...).activate()` asks), plus a fetch handler that passes `/api/*` to the network
 * with headers saying which worker answered.
 */
import { makeFragmentKey } from 'cachette';
import { cacheRoutes, defineCaches } from 'cachette/sw';

declare const self: ServiceWorkerGlobalScope;

/** Installs the handlers; `version` goes into every answer's `X-Worker` header. */
export function startTestWorker(version: string): void {
  defineCaches({ default: { backend: 'cache-storage', location: 'register' } });
  cacheRoutes([{ match: '/cached/*', ttl: 60 }]);
  self.addEventListener('fetch', (event) => {
    const url = new URL(event.request.url);
    if (url.origin !== self.location.origin || !url.pathname.startsWith('/api/')) return;
    event.respondWith(
      fetch(event.request).then((response) => {
        const headers = new Headers(response.headers);
        headers.set('X-Worker', version);
        // Proves 'cachette' and 'cachette/sw' were resolved and bundled into this script.
        headers.set('X-Fragment-Key', makeFragmentKey('foo', ['abc']));
        headers.set('X-Cachette-Sw', typeof defineCaches);
        return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
      }),
    );
  });
}
