// Experimental (temporary): hand-written workers that store like Cachette's cache-storage
// backend (a synthetic URL in the 'cachette' cache, x-cachette-* headers) and differ only in
// how a hit's Response is built. `timed` records in-worker time from the fetch event to the
// handler's response promise settling, and reports medians to the server every 400 hits.
import { encodeValue, entryUrl, storedResponse } from '../../src/backends/cache-storage-codec.js';
import { toStorable } from '../../src/sw/stored-response.js';

declare const self: ServiceWorkerGlobalScope;

const NAME = 'cachette';
export const keyOf = (url: string) => `:1:cachette.sw.page..GET.${url}.d41d8cd98f00b204e9800998ecf8427e`;

const times: number[] = [];
export function record(ms: number): void {
  times.push(ms);
  if (times.length >= 400) {
    const sorted = times.splice(0).sort((a, b) => a - b);
    void fetch(`/__wstats?median=${sorted[200]}&p95=${sorted[380]}&name=${encodeURIComponent(self.location.href)}`);
  }
}

export function serve(onHit: (hit: Response, request: Request) => Response | Promise<Response>): void {
  self.addEventListener('install', (event) => event.waitUntil(self.skipWaiting()));
  self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
  self.addEventListener('fetch', (event) => {
    const { request } = event;
    if (request.method !== 'GET' || !new URL(request.url).pathname.includes('/data/')) return;
    const t0 = performance.now();
    const promise = (async () => {
      const key = keyOf(request.url);
      const hit = await caches.match(entryUrl(key), { cacheName: NAME });
      if (hit) {
        const response = await onHit(hit, request);
        record(performance.now() - t0);
        return response;
      }
      const response = await fetch(request);
      const now = Date.now();
      const value = await toStorable(response.clone(), now, true);
      const encoded = encodeValue(key, value);
      const meta = { key, expires: now + 600_000, tags: [], size: 0, used: now, type: encoded.type };
      event.waitUntil(caches.open(NAME).then((cache) => cache.put(entryUrl(key), storedResponse(encoded, meta))));
      return response;
    })();
    event.respondWith(promise);
  });
}
