/** Cachette's route table over the `cache-storage` backend, as an app's sw.ts would write it. */
import { cacheRoutes, defineCaches } from 'cachette/sw';

defineCaches({ default: { backend: 'cache-storage' } });
cacheRoutes([{ match: '/v/cachette-cs/data/*', ttl: 600 }]);
