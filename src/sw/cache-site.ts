/**
 * The per-site cache, as Django's `UpdateCacheMiddleware` + `FetchFromCacheMiddleware`:
 * every same-origin GET and HEAD that no more specific route handles. It is the
 * workbox-routing default handler, so it composes with the app's own `registerRoute`
 * calls and adds no second fetch listener.
 */
// The shared default Router (the one registerRoute uses); the public setDefaultHandler only sets GET's.
import { getOrCreateDefaultRouter } from 'workbox-routing/utils/getOrCreateDefaultRouter.js';
import type { RouteHandlerCallbackOptions } from 'workbox-core/types.js';
import { setUpWorker } from './lifecycle.js';
import { aliasOption, knownOptions, optionsObject, prefixOption, ttlOption } from './options.js';
import { respondWithCache, type CachePolicy } from './respond-with-cache.js';
import { declareRoute } from './route-table.js';

declare const self: ServiceWorkerGlobalScope;

/** `cacheSite`'s options, as Django's `CACHE_MIDDLEWARE_ALIAS / _KEY_PREFIX / _SECONDS`. */
export interface CacheSiteOptions {
  /** The cache alias. Default `'default'`. */
  cache?: string;
  /** Default `''`. */
  keyPrefix?: string;
  /** TTL for responses without `max-age` (which overrides it). Default 600. */
  seconds?: number;
}

/**
 * Caches every same-origin GET/HEAD no other route handles, for `seconds` or the
 * response's `max-age`.
 * @example
 * // sw.ts
 * import { cacheSite } from 'cachette/sw';
 * cacheSite({ seconds: 600 });
 */
export function cacheSite(options?: CacheSiteOptions): void {
  const where = 'cacheSite';
  const o = optionsObject(options, where);
  knownOptions(o, ['cache', 'keyPrefix', 'seconds'], where);
  const seconds = o.seconds === undefined ? 600 : (ttlOption(o.seconds, `${where}: seconds`, false) as number);
  const policy: CachePolicy = {
    routeId: 'site',
    cache: aliasOption(o.cache, where),
    keyPrefix: prefixOption(o.keyPrefix, where),
    store: { kind: 'site', seconds },
    tags: [],
    opaque: false,
  };
  setUpWorker();
  declareRoute({ id: policy.routeId, kind: 'site', match: '(same origin)', ttl: seconds, cache: policy.cache, keyPrefix: policy.keyPrefix, tags: [], invalidatedBy: [] });
  const handler = {
    handle: ({ request, event }: RouteHandlerCallbackOptions) => {
      if (new URL(request.url).origin !== self.location.origin) return fetch(request);
      return respondWithCache(request, event, policy);
    },
  };
  const router = getOrCreateDefaultRouter();
  router.setDefaultHandler(handler, 'GET');
  router.setDefaultHandler(handler, 'HEAD');
}
