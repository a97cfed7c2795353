/**
 * The worker's route table as declared (for invalidation by route and for the devtools):
 * one row per `cacheSite`, `cachePage` handler and `cacheRoutes` row.
 */
import type { RouteInfo } from '../core/snapshot.js';

/** One declared route (defined in core, where the devtools snapshot names it too). */
export type { RouteInfo };

const rows = new Map<string, RouteInfo>();

/** Records (or replaces) a route. */
export function declareRoute(info: RouteInfo): void {
  rows.set(info.id, info);
}

/** Forgets a route. */
export function forgetRoute(id: string): void {
  rows.delete(id);
}

/**
 * Every declared route, in declaration order.
 * @example routeTable().map((r) => `${r.match} ${r.ttl}s`)
 */
export function routeTable(): RouteInfo[] {
  return [...rows.values()].map((row) => ({ ...row, tags: [...row.tags], invalidatedBy: [...row.invalidatedBy], ...(row.ignoreParams ? { ignoreParams: [...row.ignoreParams] } : {}) }));
}
