/**
 * The route-TTL table, declared once: each row a workbox-routing route with its own TTL,
 * cache, key prefix, tags and the mutations that invalidate it. Rows are tried in order.
 */
import type { RouteMatchCallback } from 'workbox-core/types.js';
import { describe } from '../core/options.js';
import type { RoutePattern } from '../core/route-pattern.js';
import { knownOptions } from './options.js';
import { buildRoutes, type RouteDeclaration } from './route-builder.js';

/** One row of the table. */
export interface RouteRule {
  /** A same-origin path pattern (`'/api/authors/:id'`, `'/api/*'`), a RegExp on the full URL, or a workbox match callback. */
  match: RoutePattern | RouteMatchCallback;
  /** Seconds; wins over the response's `max-age`, as `cache_page`'s timeout. `null` never expires. */
  ttl: number | null;
  cache?: string;
  keyPrefix?: string;
  /** Tags for `invalidate({ tags })`. */
  tags?: string[];
  /** Successful mutations to matching URLs drop this route's entries. */
  invalidatedBy?: RoutePattern[];
  /** Whether opaque (no-cors cross-origin) responses may be stored; they need a `cache-storage` cache. */
  opaque?: boolean;
  /** Seconds after the TTL during which the stale entry is served at once while the worker refreshes it. Default 0. */
  staleWhileRevalidate?: number;
  /** Seconds after the TTL during which the stale entry answers when the network fails or answers 5xx. Default 0. */
  staleIfError?: number;
  /** Query parameters left out of the key: names, matched exactly, or RegExps (`[/^utm_/]`). */
  ignoreParams?: (string | RegExp)[];
}

const ROW_OPTIONS = ['match', 'ttl', 'cache', 'keyPrefix', 'tags', 'invalidatedBy', 'opaque', 'staleWhileRevalidate', 'staleIfError', 'ignoreParams'];
let tables = 0;

/**
 * Registers the route table; returns a function that unregisters it.
 * @example
 * cacheRoutes([
 *   { match: '/api/authors/:id', ttl: 600, tags: ['authors'], invalidatedBy: ['/api/authors*'] },
 *   { match: '/api/articles', ttl: 60 },
 * ]);
 */
export function cacheRoutes(table: readonly RouteRule[]): () => void {
  if (!Array.isArray(table)) throw new TypeError(`cachette: cacheRoutes takes an array of routes, got ${describe(table)}`);
  tables += 1;
  const rows = table.map((raw: unknown, index): RouteDeclaration => {
    const where = `cacheRoutes row ${index}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new TypeError(`cachette: ${where} must be an object like { match: '/api/*', ttl: 60 }, got ${describe(raw)}`);
    }
    const values = raw as Record<string, unknown>;
    knownOptions(values, ROW_OPTIONS, where);
    return { kind: 'route', id: `route:${tables}.${index}`, where, ttl: { value: values.ttl, name: 'ttl' }, values };
  });
  return buildRoutes(rows).cleanup;
}
