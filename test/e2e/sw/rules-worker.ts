/**
 * The worker of the rules tests, written as a user would: `defineCaches`, a route table,
 * a `cachePage` route registered with workbox-routing, and the per-site cache. The backend
 * comes from the script URL (`/sw.js?backend=idb`). A test-only message handler reports
 * the worker's counters and can break its storage, to prove the network fallback.
 */
import { registerRoute } from 'workbox-routing';
import { cachePage, cacheRoutes, cacheSite, defineCaches, getCache, onCacheError, routeTable, workerStats } from 'cachette/sw';
import type { CacheOptions } from 'cachette';

declare const self: ServiceWorkerGlobalScope;

const params = new URL(self.location.href).searchParams;
const backend = (params.get('backend') ?? 'idb') as CacheOptions['backend'];
/** The port of a second test server: another origin, for opaque (no-cors) responses. */
const other = params.get('other') ?? '';
defineCaches({
  default: { backend, location: 'e2e' },
  pages: { backend, location: 'e2e-pages' },
});

cacheRoutes([
  { match: '/api/route-ttl', ttl: 2 },
  { match: '/api/never-cache', ttl: 0 },
  { match: '/api/authors/:id', ttl: 600, tags: ['authors'], invalidatedBy: ['/api/authors', '/api/authors/*'] },
  { match: '/api/prefixed/*', ttl: 600, keyPrefix: 'p1', cache: 'pages' },
  { match: /\/api\/regex\/\d+$/, ttl: 600, cache: 'pages' },
  { match: ({ url }) => url.port === other && url.pathname.startsWith('/opaque/'), ttl: 600, cache: 'pages', opaque: true },
  { match: ({ url }) => url.port === other && url.pathname.startsWith('/plain/'), ttl: 600, cache: 'pages' },
]);
registerRoute(({ url }) => url.pathname.startsWith('/view/'), cachePage(600));
cacheSite({ seconds: 600 });

const reported: string[] = [];
onCacheError(({ error, context }) => {
  reported.push(`${context}: ${String(error)}`);
});

self.addEventListener('message', (event) => {
  const data = event.data as { test?: string } | null;
  const port = event.ports[0];
  if (!port || !data?.test) return;
  if (data.test === 'stats') port.postMessage({ stats: workerStats(), routes: routeTable().map((r) => r.id), errors: reported });
  if (data.test === 'break-storage') {
    // Every storage call now fails as a full disk or a cleared profile would make it fail.
    const fail = () => Promise.reject(new DOMException('simulated storage failure', 'QuotaExceededError'));
    Object.defineProperty(self, 'caches', { value: { match: fail, open: fail, keys: fail, delete: fail, has: fail }, configurable: true });
    Object.defineProperty(self, 'indexedDB', {
      value: { open: () => { throw new DOMException('simulated storage failure', 'UnknownError'); } },
      configurable: true,
    });
    void (async () => {
      for (const alias of ['default', 'pages']) await getCache(alias).close();
      port.postMessage({ broken: true });
    })();
  }
});
