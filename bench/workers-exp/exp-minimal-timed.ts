// minimal-cache-storage with in-worker timing.
import { record } from './exp-common.js';
declare const self: ServiceWorkerGlobalScope;
const CACHE = 'bench-minimal';
self.addEventListener('install', (event) => event.waitUntil(self.skipWaiting()));
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !new URL(request.url).pathname.includes('/data/')) return;
  const t0 = performance.now();
  event.respondWith(
    (async () => {
      const hit = await caches.match(request);
      if (hit) {
        record(performance.now() - t0);
        return hit;
      }
      const response = await fetch(request);
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
      return response;
    })(),
  );
});
