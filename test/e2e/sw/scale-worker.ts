// The worker of the 100k-entry test: one route over a `cache-storage` store that the test
// fills to 100,000 entries (maxEntries above that, so nothing culls unless the test asks).
import { cacheRoutes, defineCaches } from 'cachette/sw';

defineCaches({ default: { backend: 'memory' }, big: { backend: 'cache-storage', location: 'big', maxEntries: 200_000 } });
cacheRoutes([{ match: '/api/big/:id', ttl: 600, cache: 'big' }]);
