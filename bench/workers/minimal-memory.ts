/**
 * The floor for any worker hit: a hand-written worker that answers `/data/*` from an
 * in-memory Map of bodies (a worker restart empties it: the benchmark's server-side hit
 * count would then catch the miss).
 */
declare const self: ServiceWorkerGlobalScope;
export {}; // a module, so `self` above is this file's, not a redeclared global

interface Kept {
  body: ArrayBuffer;
  status: number;
  statusText: string;
  headers: [string, string][];
}

const kept = new Map<string, Kept>();

self.addEventListener('install', (event) => event.waitUntil(self.skipWaiting()));
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !new URL(request.url).pathname.startsWith('/data/')) return;
  const hit = kept.get(request.url);
  if (hit) {
    event.respondWith(new Response(hit.body, { status: hit.status, statusText: hit.statusText, headers: hit.headers }));
    return;
  }
  event.respondWith(
    (async () => {
      const response = await fetch(request);
      const body = await response.clone().arrayBuffer();
      kept.set(request.url, { body, status: response.status, statusText: response.statusText, headers: [...response.headers] });
      return response;
    })(),
  );
});
