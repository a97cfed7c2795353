/**
 * The worker of the devtools tests: a route table over a Cache Storage alias the pages never
 * configure (so only the worker's snapshot shows it), the per-site cache in another, and
 * `default` over the same IndexedDB location as the pages (one store, two views).
 */
import { defineCaches } from 'cachette';
import { cacheRoutes, cacheSite } from 'cachette/sw';

defineCaches({
  default: { backend: 'idb', location: 'dt' },
  api: { backend: 'cache-storage', location: 'dt-api' },
  site: { backend: 'cache-storage', location: 'dt-site', timeout: 120 },
});
cacheRoutes([
  { match: '/api/authors/:id', ttl: 600, cache: 'api', tags: ['authors'] },
  { match: '/api/articles/:id', ttl: 45, cache: 'api', tags: ['articles'] },
  { match: /\/feed\.xml$/, ttl: 3600, cache: 'api' },
]);
cacheSite({ cache: 'site', seconds: 120 });
