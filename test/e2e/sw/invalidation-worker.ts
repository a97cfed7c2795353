/**
 * The worker of the invalidation tests. Its route entries live in a Cache Storage location
 * the pages never configure, so only the worker can clear them: proof that an invalidation
 * reaches the worker and that `invalidate` waits for it. It reports, on a test message,
 * the invalidations it heard and every error it saw.
 */
import { defineCaches, onCacheError, onInvalidate, type InvalidateTarget } from 'cachette';
import { cacheRoutes, cacheSite } from 'cachette/sw';

declare const self: ServiceWorkerGlobalScope;

defineCaches({
  default: { backend: 'idb', location: 'inv' },
  'worker-only': { backend: 'cache-storage', location: 'worker-only' },
});
cacheRoutes([
  { match: '/api/authors/:id', ttl: 600, cache: 'worker-only', tags: ['authors'], invalidatedBy: ['/api/authors'] },
  { match: '/api/articles/:id', ttl: 600, cache: 'worker-only' },
]);
cacheSite();

const heard: InvalidateTarget[] = [];
const errors: string[] = [];
onInvalidate((target) => heard.push(target));
onCacheError(({ error, context }) => errors.push(`${context}: ${String(error)}`));
self.addEventListener('error', (event) => errors.push(`error: ${event.message}`));
self.addEventListener('unhandledrejection', (event) => errors.push(`unhandled: ${String(event.reason)}`));

self.addEventListener('message', (event) => {
  const data = event.data as { test?: string } | null;
  const port = event.ports[0];
  if (data?.test === 'report' && port) port.postMessage({ heard, errors });
});
