/**
 * The per-site cache, as Django's `UpdateCacheMiddleware` + `FetchFromCacheMiddleware`:
 * every same-origin GET and HEAD that no more specific route handles. It is workbox-routing's
 * default handler for GET (for HEAD, a route after every other; see route-builder.ts), so it
 * composes with the app's own `registerRoute` calls and adds no second fetch listener.
 */
import { knownOptions, optionsObject } from './options.js';
import { buildRoutes } from './route-builder.js';

/** `cacheSite`'s options, as Django's `CACHE_MIDDLEWARE_ALIAS / _KEY_PREFIX / _SECONDS`. */
export interface CacheSiteOptions {
  /** The cache alias. Default `'default'`. */
  cache?: string;
  /** Default `''`. */
  keyPrefix?: string;
  /** TTL for responses without `max-age` (which overrides it). Default 600. */
  seconds?: number;
  /**
   * Seconds after expiry during which the stale entry is served at once while the worker
   * refreshes it (one refresh per key). A response's `stale-while-revalidate=N` overrides it.
   * Default 0.
   */
  staleWhileRevalidate?: number;
  /**
   * Seconds after expiry during which the stale entry answers when the network fails or
   * answers 5xx. A response's `stale-if-error=N` overrides it. Default 0.
   */
  staleIfError?: number;
  /** Query parameters left out of the key: names, matched exactly, or RegExps (`[/^utm_/]`). */
  ignoreParams?: (string | RegExp)[];
}

/**
 * Caches every same-origin GET/HEAD no other route handles, for `seconds` or the
 * response's `max-age`; returns a function that stops it (those requests then go to the network).
 * @example
 * // sw.ts
 * import { cacheSite } from 'cachette/sw';
 * cacheSite({ seconds: 600 });
 */
export function cacheSite(options?: CacheSiteOptions): () => void {
  const where = 'cacheSite';
  const values = optionsObject(options, where);
  knownOptions(values, ['cache', 'keyPrefix', 'seconds', 'staleWhileRevalidate', 'staleIfError', 'ignoreParams'], where);
  const ttl = { value: values.seconds === undefined ? 600 : values.seconds, name: 'seconds' };
  return buildRoutes([{ kind: 'site', id: 'site', where, ttl, values }]).cleanup;
}
