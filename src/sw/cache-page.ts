/**
 * The per-view cache, as Django's `@cache_page(600)`: a workbox-routing handler whose TTL
 * wins over the response's `max-age`.
 */
import type { RouteHandlerCallbackOptions, RouteHandlerObject } from 'workbox-core/types.js';
import { setUpWorker } from './lifecycle.js';
import { aliasOption, knownOptions, optionsObject, prefixOption, ttlOption } from './options.js';
import { respondWithCache, type CachePolicy } from './respond-with-cache.js';
import { declareRoute } from './route-table.js';

/** `cachePage`'s options, as `cache_page`'s `cache=` and `key_prefix=`. */
export interface CachePageOptions {
  cache?: string;
  keyPrefix?: string;
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
  const seconds = ttlOption(timeout, `${where}: timeout`);
  const o = optionsObject(options, where);
  knownOptions(o, ['cache', 'keyPrefix'], where);
  pages += 1;
  const policy: CachePolicy = {
    routeId: `page:${pages}`,
    cache: aliasOption(o.cache, where),
    keyPrefix: prefixOption(o.keyPrefix, where),
    store: { kind: 'route', seconds },
    tags: [],
    opaque: false,
  };
  setUpWorker();
  declareRoute({ id: policy.routeId, kind: 'page', match: '(registerRoute)', ttl: seconds, cache: policy.cache, keyPrefix: policy.keyPrefix, tags: [], invalidatedBy: [] });
  return {
    handle: ({ request, event }: RouteHandlerCallbackOptions) => respondWithCache(request, event, policy),
  };
}
