import './caches';
import { cacheRoutes, httpCache } from 'cachette/sw';

cacheRoutes([{ match: '/api/*', ttl: 60, cache: 'api', staleIfError: 86_400 }]);
httpCache({ navigationFallback: { url: '/' } });
