/**
 * The request the worker sends to the network to fill or refill one of its entries.
 *
 * The browser's own HTTP cache sits beneath the worker: a fetch made with the default
 * cache mode is answered from it whenever it holds a fresh copy. After Cachette drops an
 * entry (an invalidation, an `invalidatedBy` mutation, expiry), that copy is the very
 * response that was dropped, still "fresh" for its `max-age`; taking it would store the
 * stale copy again for another TTL. So every fetch that may fill an entry goes with
 * `cache: 'no-cache'`: the HTTP cache must revalidate with the origin first. That is the
 * cheapest mode that is still correct. With a validator (`ETag`, `Last-Modified`) the
 * origin answers an unchanged resource with a bodiless 304 and the browser serves its copy
 * (a copy the origin has just confirmed); without one it is a plain request. `reload` and
 * `no-store` would also be correct but always download the body. The HTTP cache keeps
 * storing what passes, so the page's own uncontrolled loads still benefit.
 *
 * A page that asks for more than that (`no-store`, `reload`, or `no-cache` itself) keeps
 * its mode. Requests the worker will not store (other methods, `ttl: 0` routes, other
 * origins under `cacheSite`) never come here and keep the page's mode.
 *
 * Navigations too: the browser's HTTP cache would answer a navigation as readily as a
 * fetch. Copying a `navigate` request with an init makes it `same-origin` (the Fetch
 * standard's rule; Chromium 156 does so rather than throw as older versions did), and its
 * `redirect: 'manual'` is kept, so a redirect still reaches the browser as a navigation.
 */

/** Cache modes that already reach the origin (or bypass the HTTP cache entirely). */
const ALREADY_FRESH: ReadonlySet<RequestCache> = new Set<RequestCache>(['no-cache', 'reload', 'no-store']);

/**
 * `request`, to be sent so that the browser's HTTP cache cannot answer it without the origin.
 * @example const response = await fetch(networkRequest(event.request));
 */
export function networkRequest(request: Request): Request {
  return ALREADY_FRESH.has(request.cache) ? request : new Request(request, { cache: 'no-cache' });
}
