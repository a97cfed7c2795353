/**
 * The behaviour of the e2e tests' own workers (until cachette/sw does it itself): claim the
 * page on activate, skip waiting on Cachette's `skip-waiting` message, and pass `/api/*`
 * fetches to the network with headers that say which worker answered. `?claim=0` on the
 * script URL turns claiming off.
 */
import { makeFragmentKey } from 'cachette';
import { defineCaches } from 'cachette/sw';

declare const self: ServiceWorkerGlobalScope;

/** Installs the handlers; `version` goes into every answer's `X-Worker` header. */
export function startTestWorker(version: string): void {
  const claim = new URL(self.location.href).searchParams.get('claim') !== '0';

  self.addEventListener('activate', (event) => {
    if (claim) event.waitUntil(self.clients.claim());
  });
  self.addEventListener('message', (event) => {
    const data: unknown = event.data;
    if (typeof data === 'object' && data !== null && (data as { cachette?: unknown }).cachette === 1 && (data as { type?: unknown }).type === 'skip-waiting') {
      event.waitUntil(self.skipWaiting());
    }
  });
  self.addEventListener('fetch', (event) => {
    const url = new URL(event.request.url);
    if (url.origin !== self.location.origin || !url.pathname.startsWith('/api/')) return;
    event.respondWith(
      fetch(event.request).then((response) => {
        const headers = new Headers(response.headers);
        headers.set('X-Worker', version);
        // Proves 'cachette' and 'cachette/sw' were resolved and bundled into this script.
        headers.set('X-Fragment-Key', makeFragmentKey('foo', ['abc']));
        headers.set('X-Cachette-Sw', typeof defineCaches);
        return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
      }),
    );
  });
}
