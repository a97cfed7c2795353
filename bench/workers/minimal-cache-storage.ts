/**
 * The floor for a Cache Storage hit: a hand-written worker that answers `/data/*` with
 * `caches.match`, else fetches and puts (what a tutorial's cache-first worker does).
 */
declare const self: ServiceWorkerGlobalScope;
export {}; // a module, so `self` above is this file's, not a redeclared global

const CACHE = 'bench-minimal';

self.addEventListener('install', (event) => event.waitUntil(self.skipWaiting()));
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !new URL(request.url).pathname.startsWith('/data/')) return;
  event.respondWith(
    (async () => {
      const hit = await caches.match(request);
      if (hit) return hit;
      const response = await fetch(request);
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
      return response;
    })(),
  );
});
