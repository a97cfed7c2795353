/**
 * The worker of the route-HTTP-options tests (test/e2e/route-http-options.test.ts):
 * Django's handlers with `staleWhileRevalidate`, `staleIfError` and `ignoreParams`, and a
 * plain route and the per-site cache for conditional revalidation and RFC 5861 directives.
 * The backend comes from the script URL (`/sw.js?backend=idb`). A test-only message handler
 * reports the worker's counters.
 */
import { registerRoute } from 'workbox-routing';
import { cachePage, cacheRoutes, cacheSite, defineCaches, workerStats } from 'cachette/sw';
import type { CacheOptions } from 'cachette';

declare const self: ServiceWorkerGlobalScope;

const backend = (new URL(self.location.href).searchParams.get('backend') ?? 'idb') as CacheOptions['backend'];
defineCaches({ default: { backend, location: 'e2e-http' } });

cacheRoutes([
  { match: '/api/swr', ttl: 1, staleWhileRevalidate: 60 },
  { match: '/api/swr-etag', ttl: 1, staleWhileRevalidate: 60 },
  { match: '/api/sie', ttl: 1, staleIfError: 2 },
  { match: '/api/utm', ttl: 600, ignoreParams: [/^utm_/, 'fbclid'] },
  { match: '/api/etag', ttl: 1 },
  // A route's own options win: the response's stale-if-error directive does not apply here.
  { match: '/api/route-directive', ttl: 1 },
]);
registerRoute(({ url }) => url.pathname.startsWith('/view/'), cachePage(1, { staleIfError: 60 }));
cacheSite({ seconds: 600 });

self.addEventListener('message', (event) => {
  const data = event.data as { test?: string } | null;
  const port = event.ports[0];
  if (port && data?.test === 'stats') port.postMessage({ stats: workerStats() });
});
