/**
 * This realm's cache configuration: `defineCaches`, `getCache` and `cache`, the façade
 * over the core's alias registry and the built-in backends. One instance per realm (page,
 * worker), shared by every entry point of the package.
 */
import { builtinBackends } from './backends/registry.js';
import type { Cache } from './core/cache.js';
import { CacheHandler, type CachesConfig, type DefineOptions } from './core/handler.js';
import type { InvalidateTarget } from './core/invalidate-target.js';
import { InvalidationBus, type InvalidateListener } from './core/invalidation-bus.js';
import { SESSION_TAG, varyTag } from './core/session-tags.js';

const handler = new CacheHandler(builtinBackends);
const bus = new InvalidationBus(handler);

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
  const found = handler.get(alias);
  // A context that uses caches hears other contexts' invalidations (opened on first use, never at import).
  bus.listen();
  return found;
}

/**
 * Removes the matching entries from every cache (or `target.cache`), in this tab, the
 * shared stores, every other tab and the worker, as Django's `post_save` receivers calling
 * `cache.delete`. Resolves once the shared stores no longer hold them.
 * @example
 * await invalidate({ keys: ['authors-count'] });
 * await invalidate({ prefix: 'template.cache.sidebar.' }); // every variant of a fragment
 * await invalidate({ tags: ['authors'], routes: ['/api/authors/:id'] });
 * await invalidate({ all: true });
 */
export function invalidate(target: InvalidateTarget): Promise<void> {
  return bus.invalidate(target);
}

/**
 * Calls `listener` with the target of every invalidation, local, from another tab or from
 * the worker; returns the unsubscribe function.
 * @example const stop = onInvalidate((target) => { if (target.tags?.includes('authors')) rerender(); });
 */
export function onInvalidate(listener: InvalidateListener): () => void {
  return bus.onInvalidate(listener);
}

/**
 * Drops everything that belongs to a session, for logout: every worker entry keyed by a
 * session (responses varying on `Cookie` or `Authorization`), and, given a user, every
 * fragment varied on that user. Everywhere, as `invalidate`.
 * @example await invalidateSession('alice'); await fetch('/logout', { method: 'POST' });
 */
export function invalidateSession(user?: string | number): Promise<void> {
  return bus.invalidate({ tags: user === undefined ? [SESSION_TAG] : [SESSION_TAG, varyTag(user)] });
}

/** The realm's invalidation bus (for the worker's message handler). */
export function invalidationBus(): InvalidationBus {
  return bus;
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
    // As getCache: a context that uses `cache` alone must hear other contexts' invalidations too.
    const current = getCache('default');
    const value: unknown = Reflect.get(current, property, current);
    return typeof value === 'function' ? value.bind(current) : value;
  },
  has(_target, property) {
    return Reflect.has(handler.get('default'), property);
  },
});
