/**
 * The worker's route table as declared (for invalidation by route and for the devtools):
 * one row per `cacheSite`, `cachePage` handler and `cacheRoutes` row.
 */
import type { RoutePattern } from '../core/route-pattern.js';

/** One declared route. */
export interface RouteInfo {
  /** Stable across worker restarts: the declaration order and pattern. */
  id: string;
  kind: 'site' | 'page' | 'route';
  /** The pattern as text (`'/api/authors/:id'`, `/^https:/`, `'(function)'`). */
  match: string;
  /** Seconds; `null` never expires. For `site`, the default when a response has no max-age. */
  ttl: number | null;
  cache: string;
  keyPrefix: string;
  tags: string[];
  invalidatedBy: RoutePattern[];
}

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
  return [...rows.values()].map((row) => ({ ...row, tags: [...row.tags], invalidatedBy: [...row.invalidatedBy] }));
}
