/**
 * What the worker does with an entry past its freshness: renew it from a `304 Not Modified`
 * (RFC 9111 §4.3.4: the stored body, the 304's headers), and refresh it in the background
 * while the stale copy answers (`staleWhileRevalidate`, RFC 5861). A background refresh is
 * led like a miss (shared-miss.ts), so a request that finds no entry meanwhile waits for it,
 * a stale request neither waits nor starts a second refresh, and once the refresh's response
 * is in hand the next request gets it, even before it is written.
 */
import { reportError } from '../core/report.js';
import { networkRequest } from './network-request.js';
import { readKey } from './request-key.js';
import { conditionalRequest, renewHeaders } from './revalidation.js';
import { leadMiss } from './shared-miss.js';
import { count } from './stats.js';
import { fill, type FillTarget } from './store-fetched.js';

/** The conditional headers a page may send of its own. */
const CONDITIONAL = ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range'];

/**
 * Whether a 304 confirms the stored response: always when the worker asked the question (its
 * validators), else (the page sent its own conditional headers) only when the 304 names the
 * stored response's `ETag`.
 * @example if (confirms(notModified, stored.headers, request)) renew();
 */
export function confirms(notModified: Response, stored: Headers, request: Request): boolean {
  if (!CONDITIONAL.some((name) => request.headers.has(name))) return true;
  const etag = notModified.headers.get('etag');
  return etag !== null && etag === stored.get('etag');
}

/**
 * The stored response renewed by a 304: its status and body, the 304's headers over its own.
 * The `Expires` Cachette wrote for the old expiry goes (unless the 304 sends one), so that
 * storing it again writes the new one, as a fresh response gets.
 * @example return fill(target, request, renewed(found.response, notModified), lead);
 */
export function renewed(stored: Response, notModified: Response): Response {
  const headers = renewHeaders(stored.headers, notModified.headers);
  if (!notModified.headers.has('expires')) headers.delete('expires');
  headers.delete('age');
  return new Response(stored.body, { status: stored.status, statusText: stored.statusText, headers });
}

/**
 * Starts the background refresh of the stale entry under `key` (revalidating it when
 * `storedHeaders` carry a validator) for `request`, listed under `missKey`. Fire-and-forget,
 * kept alive by `target.event`'s `waitUntil`; failures are reported and counted.
 * @example refreshLater(target, request, found.key, found.response.headers, missKey);
 */
export function refreshLater(target: FillTarget, request: Request, key: string, storedHeaders: Headers, missKey: string): void {
  const { cache, route, url } = target;
  const lead = leadMiss(missKey, target.generation);
  const get = workerRequest(request);
  const conditional = conditionalRequest(get, storedHeaders);
  const work = (async () => {
    let response = await fetch(conditional ?? networkRequest(get));
    if (conditional && response.status === 304) {
      // The stale copy went to the page: read the body again to renew it.
      const again = await readKey(cache, key);
      if (!again || !('restored' in again)) {
        lead.finish();
        return;
      }
      count(route.id, route.cache, 'revalidations');
      response = renewed(again.restored.response, response);
    }
    const forNobody = await fill(target, get, response, lead);
    void forNobody.body?.cancel().catch(() => undefined); // fire-and-forget: the stored branch is read on its own
  })().catch((error: unknown) => {
    lead.finish();
    reportError(error, `refreshing ${url} in cache '${route.cache}'`);
    count(route.id, route.cache, 'errors');
  });
  target.event?.waitUntil(work);
}

/**
 * The worker's own GET for `request`: a HEAD refreshes the GET entry, and conditional
 * headers the page sent are its own question, not the refresh's.
 */
function workerRequest(request: Request): Request {
  const own = CONDITIONAL.filter((name) => request.headers.has(name));
  if (request.method === 'GET' && own.length === 0) return request;
  const headers = new Headers(request.headers);
  for (const name of own) headers.delete(name);
  // A navigation cannot be copied with its mode (see network-request.ts).
  return new Request(request, { method: 'GET', headers, ...(request.mode === 'navigate' ? { mode: 'same-origin' } : {}) });
}
