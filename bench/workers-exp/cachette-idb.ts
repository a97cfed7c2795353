/** Cachette's route table over the `idb` backend, as an app's sw.ts would write it. */
import { cacheRoutes, defineCaches } from 'cachette/sw';

defineCaches({ default: { backend: 'idb' } });
cacheRoutes([{ match: '/v/cachette-idb/data/*', ttl: 600 }]);
