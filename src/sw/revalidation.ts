/**
 * Conditional revalidation (RFC 9110 §13, RFC 9111 §4.3): an expired entry that carries a
 * validator (`ETag`, `Last-Modified`) is refreshed with `If-None-Match` /
 * `If-Modified-Since`, and a `304 Not Modified` renews the stored response's headers
 * (§4.3.4) instead of downloading the body again. Every handler of the worker shares these:
 * Django's routes and `httpCache()`.
 */

/** Header fields a 304 never replaces in the stored response (§4.3.4: the body's own length). */
const KEPT_ON_UPDATE: ReadonlySet<string> = new Set(['content-length']);

/**
 * Whether a stored response can be revalidated: it carries an `ETag` or a `Last-Modified`.
 * @example hasValidator(new Headers({ ETag: '"v1"' })) // true
 */
export function hasValidator(stored: Headers): boolean {
  return stored.has('etag') || stored.has('last-modified');
}

/**
 * `request`, made conditional on the stored response's validators (`undefined` when it has
 * none): `If-None-Match` from `ETag`, `If-Modified-Since` from `Last-Modified`. The
 * request's own conditional headers, when the page sent any, are kept as they are (the page
 * asked its own question). It bypasses the browser's HTTP cache (`no-store`): the worker
 * owns this revalidation, and a copy the HTTP cache kept must not answer it.
 * @example const conditional = conditionalRequest(event.request, stored.headers); if (conditional) res = await fetch(conditional);
 */
export function conditionalRequest(request: Request, stored: Headers): Request | undefined {
  const etag = stored.get('etag');
  const lastModified = stored.get('last-modified');
  if (etag === null && lastModified === null) return undefined;
  const headers = new Headers(request.headers);
  const own = headers.has('if-none-match') || headers.has('if-modified-since');
  if (!own) {
    if (etag !== null) headers.set('If-None-Match', etag);
    if (lastModified !== null) headers.set('If-Modified-Since', lastModified);
  }
  // What a browser sends when it revalidates; without it, the `no-store` mode below would send `no-cache`.
  if (!headers.has('cache-control')) headers.set('Cache-Control', 'max-age=0');
  // A navigation cannot be copied with its mode: init a same-origin one, as networkRequest does.
  return new Request(request, { headers, cache: 'no-store', ...(request.mode === 'navigate' ? { mode: 'same-origin' } : {}) });
}

/**
 * The stored response's headers renewed by a `304`'s (RFC 9111 §4.3.4): each field the 304
 * carries replaces the stored one, except `Content-Length`, which describes the stored body.
 * @example const renewed = renewHeaders(stored.headers, notModified.headers);
 */
export function renewHeaders(stored: Headers, notModified: Headers): Headers {
  const renewed = new Headers(stored);
  const replaced = new Set<string>();
  notModified.forEach((value, name) => {
    if (KEPT_ON_UPDATE.has(name)) return;
    // Headers iterates combined values, one per name: set once, then append (Set-Cookie comes apart).
    if (replaced.has(name)) renewed.append(name, value);
    else renewed.set(name, value);
    replaced.add(name);
  });
  return renewed;
}
