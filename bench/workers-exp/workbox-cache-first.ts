/** Workbox `CacheFirst` alone (no expiration). */
import { clientsClaim } from 'workbox-core';
import { registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';

declare const self: ServiceWorkerGlobalScope;

void self.skipWaiting();
clientsClaim();
registerRoute(({ url }) => url.pathname.includes('/data/'), new CacheFirst({ cacheName: 'bench-workbox' }));
