/**
 * The worker of the freshness tests: a route table and the per-site cache over one backend
 * (from the script URL, `/sw.js?backend=idb`), as a user writes them. Every route stores;
 * the tests prove that what an invalidation drops is never served again by any layer.
 */
import { cacheRoutes, cacheSite, defineCaches, workerStats } from 'cachette/sw';
import type { CacheOptions } from 'cachette';

declare const self: ServiceWorkerGlobalScope;

const backend = (new URL(self.location.href).searchParams.get('backend') ?? 'idb') as CacheOptions['backend'];
defineCaches({
  default: { backend, location: 'fresh' },
  pages: { backend, location: 'fresh-pages' },
});

cacheRoutes([
  { match: '/api/authors/:id', ttl: 600, tags: ['authors'], invalidatedBy: ['/api/authors', '/api/authors/:id'] },
  { match: '/api/articles/:id', ttl: 600, cache: 'pages' },
  { match: '/api/slow/:id', ttl: 600 },
]);
cacheSite({ seconds: 600 });

self.addEventListener('message', (event) => {
  const data = event.data as { test?: string } | null;
  if (data?.test === 'stats') event.ports[0]?.postMessage(workerStats());
});
