// Cachette cache-storage with in-worker timing of the respondWith promise.
import { cacheRoutes, defineCaches } from 'cachette/sw';
import { record } from './exp-common.js';
declare const self: ServiceWorkerGlobalScope;
const starts = new WeakMap<FetchEvent, number>();
self.addEventListener('fetch', (event) => starts.set(event, performance.now()));
const respondWith = FetchEvent.prototype.respondWith;
FetchEvent.prototype.respondWith = function (this: FetchEvent, r: Response | PromiseLike<Response>) {
  const t0 = starts.get(this);
  void Promise.resolve(r).then(() => {
    if (t0 !== undefined && !new URL(this.request.url).pathname.startsWith('/__')) record(performance.now() - t0);
  });
  return respondWith.call(this, r);
};
defineCaches({ default: { backend: 'cache-storage' } });
cacheRoutes([{ match: '/data/*', ttl: 600 }]);
