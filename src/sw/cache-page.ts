/**
 * The per-view cache, as Django's `@cache_page(600)`: a workbox-routing handler whose TTL
 * wins over the response's `max-age`.
 */
import type { RouteHandlerObject } from 'workbox-core/types.js';
import { knownOptions, optionsObject } from './options.js';
import { buildRoutes } from './route-builder.js';

/** `cachePage`'s options, as `cache_page`'s `cache=` and `key_prefix=`. */
export interface CachePageOptions {
  cache?: string;
  keyPrefix?: string;
  /** Seconds after expiry during which the stale entry is served at once while the worker refreshes it. Default 0. */
  staleWhileRevalidate?: number;
  /** Seconds after expiry during which the stale entry answers when the network fails or answers 5xx. Default 0. */
  staleIfError?: number;
  /** Query parameters left out of the key: names, matched exactly, or RegExps (`[/^utm_/]`). */
  ignoreParams?: (string | RegExp)[];
}

let pages = 0;

/**
 * A workbox-routing handler caching its route's GET/HEAD responses for `timeout` seconds.
 * @example
 * import { registerRoute } from 'workbox-routing';
 * registerRoute(({ url }) => url.pathname.startsWith('/authors/'), cachePage(600));
 */
export function cachePage(timeout: number | null, options?: CachePageOptions): RouteHandlerObject {
  const where = 'cachePage';
  const values = optionsObject(options, where);
  knownOptions(values, ['cache', 'keyPrefix', 'staleWhileRevalidate', 'staleIfError', 'ignoreParams'], where);
  const [handler] = buildRoutes([{ kind: 'page', id: `page:${pages + 1}`, where, ttl: { value: timeout, name: 'timeout' }, values }]).handlers;
  pages += 1;
  return handler as RouteHandlerObject;
}
