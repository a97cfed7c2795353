/**
 * The worker of the pushed-invalidation tests: a route table and the per-site cache over
 * IndexedDB, as a user writes them. It knows nothing of the hub: what it learns of one
 * comes from the push state a page left (coming back after every tab was closed).
 */
import { cacheRoutes, cacheSite, defineCaches } from 'cachette/sw';

defineCaches({ default: { backend: 'idb', location: 'push' } });
cacheRoutes([{ match: '/api/authors/:id', ttl: 600, tags: ['authors'], invalidatedBy: ['/api/authors'] }]);
cacheSite({ seconds: 600 });
