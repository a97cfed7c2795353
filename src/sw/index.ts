// 'cachette/sw': the service worker side. Django's per-site cache (cacheSite), per-view
// cache (cachePage) and a declarative route-TTL table (cacheRoutes), on workbox-routing;
// and httpCache, a per-site cache with RFC 9111's rules instead of Django's.
export { cacheSite, type CacheSiteOptions } from './cache-site.js';
export { cachePage, type CachePageOptions } from './cache-page.js';
export { cacheRoutes, type RouteRule } from './cache-routes.js';
export { httpCache, type HttpCacheOptions } from './http-cache.js';
export { routeTable, type RouteInfo } from './route-table.js';
export { workerStats, type Counters, type StatsSnapshot } from './stats.js';
export type { RoutePattern } from '../core/route-pattern.js';
// The core, for the worker's own configuration and low-level use.
export { defineCaches, getCache, cache, onCacheError, invalidate, invalidateSession, onInvalidate } from '../index.js';
