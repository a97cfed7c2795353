/**
 * The conformance worker for `--worker passthrough`: answers every request with
 * `fetch(event.request)` and stores nothing, the baseline of a worker's own fetches
 * through Chromium's HTTP cache (it should score as `--worker none`).
 */
import { claimAtOnce } from './sw-lifecycle.js';

interface FetchEvent {
  request: Request;
  respondWith(response: Promise<Response>): void;
}

declare const self: { addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void };

claimAtOnce();
self.addEventListener('fetch', (event) => event.respondWith(fetch(event.request)));
