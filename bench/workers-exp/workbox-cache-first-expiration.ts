/** Workbox `CacheFirst` with `ExpirationPlugin`, as the Workbox docs configure a runtime cache. */
import { clientsClaim } from 'workbox-core';
import { ExpirationPlugin } from 'workbox-expiration';
import { registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';

declare const self: ServiceWorkerGlobalScope;

void self.skipWaiting();
clientsClaim();
registerRoute(
  ({ url }) => url.pathname.includes('/data/'),
  new CacheFirst({ cacheName: 'bench-workbox', plugins: [new ExpirationPlugin({ maxEntries: 300, maxAgeSeconds: 600 })] }),
);
