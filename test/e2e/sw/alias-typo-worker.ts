// A worker whose route names a cache alias that defineCaches does not define (a typo).
import { cacheRoutes, defineCaches } from 'cachette/sw';

cacheRoutes([
  { match: '/api/typo/*', ttl: 60, cache: 'pagse' },
  { match: '/api/ok/*', ttl: 60, cache: 'pages' },
]);
defineCaches({ default: { backend: 'memory' }, pages: { backend: 'memory', location: 'alias-typo' } });
