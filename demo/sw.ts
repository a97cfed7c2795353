// The demo's service worker: what a user writes in src/sw.ts.
import { cacheRoutes, cacheSite, defineCaches } from '../src/sw/index.js';

defineCaches({ default: { backend: 'idb', location: 'demo-sw' } });

cacheRoutes([{ match: '/api/top-authors', ttl: 60, tags: ['authors'], invalidatedBy: ['/api/authors'] }]);
cacheSite({ seconds: 600 });
