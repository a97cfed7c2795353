/**
 * This realm's cache configuration: `defineCaches`, `getCache` and `cache`, the façade over
 * the core's alias registry (realm.ts). Invalidation is in invalidations.ts: a page that
 * never invalidates and keeps no realm-local store does not load it.
 */
import type { Cache } from './core/cache.js';
import type { CachesConfig, DefineOptions } from './core/handler.js';
import { handler } from './realm.js';

/**
 * Configures the cache aliases, as Django's `CACHES`; replaces any earlier configuration.
 * Without a call, `default` is `{ backend: 'idb' }`.
 * @example
 * defineCaches({
 *   default: { backend: 'idb', timeout: 600 },
 *   pages: { backend: 'cache-storage', location: 'pages', maxEntries: 500 },
 *   local: { backend: 'memory' },
 * });
 */
export function defineCaches(config: CachesConfig, options?: DefineOptions): void {
  handler.define(config, options);
}

/**
 * The `Cache` for an alias, as Django's `caches[alias]`; the same instance every call
 * until `defineCaches` runs again. An unknown alias is a TypeError naming it.
 * @example const pages = getCache('pages');
 */
export function getCache(alias = 'default'): Cache {
  // A realm-local store makes this realm hear other contexts' invalidations (realm.ts); shared ones need not.
  return handler.get(alias);
}

/** Every configured alias (for the devtools and for `invalidate({ all: true })`). */
export function cacheAliases(): string[] {
  return handler.aliases();
}

/**
 * The default cache, as Django's `cache`: always the current `getCache('default')`,
 * even after `defineCaches` replaces the configuration.
 * @example await cache.set('greeting', 'hello');
 */
export const cache: Cache = new Proxy({} as Cache, {
  get(_target, property) {
    const current = getCache('default');
    const value: unknown = Reflect.get(current, property, current);
    return typeof value === 'function' ? value.bind(current) : value;
  },
  has(_target, property) {
    return Reflect.has(handler.get('default'), property);
  },
});
