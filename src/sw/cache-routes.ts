/**
 * The route-TTL table, declared once: each row a workbox-routing route with its own TTL,
 * cache, key prefix, tags and the mutations that invalidate it. Rows are tried in order.
 */
import { Route, registerRoute } from 'workbox-routing';
import { getOrCreateDefaultRouter } from 'workbox-routing/utils/getOrCreateDefaultRouter.js';
import type { RouteHandlerCallbackOptions, RouteMatchCallback, RouteMatchCallbackOptions } from 'workbox-core/types.js';
import { describe } from '../core/options.js';
import { watchMutations } from './invalidated-by.js';
import { setUpWorker } from './lifecycle.js';
import { aliasOption, knownOptions, prefixOption, tagsOption, ttlOption } from './options.js';
import { respondWithCache, type CachePolicy } from './respond-with-cache.js';
import { compilePattern, type RoutePattern } from '../core/route-pattern.js';
import { declareRoute, forgetRoute } from './route-table.js';

declare const self: ServiceWorkerGlobalScope;

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
}

const ROW_OPTIONS = ['match', 'ttl', 'cache', 'keyPrefix', 'tags', 'invalidatedBy', 'opaque'];
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
  const origin = self.location.origin;
  tables += 1;
  const rows = table.map((raw: unknown, index) => checkRow(raw, index, origin, tables));
  setUpWorker();
  const cleanups: (() => void)[] = [];
  for (const { id, rule, matcher, matchText } of rows) {
    const policy: CachePolicy = {
      routeId: id,
      cache: aliasOption(rule.cache, `cacheRoutes[${id}]`),
      keyPrefix: prefixOption(rule.keyPrefix, `cacheRoutes[${id}]`),
      store: { kind: 'route', seconds: rule.ttl },
      tags: tagsOption(rule.tags, `cacheRoutes[${id}]`),
      opaque: rule.opaque === true,
    };
    const invalidatedBy = rule.invalidatedBy ?? [];
    declareRoute({ id, kind: 'route', match: matchText, ttl: rule.ttl, cache: policy.cache, keyPrefix: policy.keyPrefix, tags: [...policy.tags], invalidatedBy: [...invalidatedBy] });
    const handler = { handle: ({ request, event }: RouteHandlerCallbackOptions) => respondWithCache(request, event, policy) };
    const routes = (['GET', 'HEAD'] as const).map((method) => new Route(matcher, handler, method));
    for (const route of routes) registerRoute(route);
    const unwatch = invalidatedBy.length ? watchMutations({ routeId: id, patterns: invalidatedBy }) : () => {};
    cleanups.push(() => {
      for (const route of routes) getOrCreateDefaultRouter().unregisterRoute(route);
      unwatch();
      forgetRoute(id);
    });
  }
  return () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
}

interface CheckedRow {
  id: string;
  rule: RouteRule;
  matcher: RouteMatchCallback;
  matchText: string;
}

function checkRow(raw: unknown, index: number, origin: string, table: number): CheckedRow {
  const where = `cacheRoutes row ${index}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new TypeError(`cachette: ${where} must be an object like { match: '/api/*', ttl: 60 }, got ${describe(raw)}`);
  }
  const rule = raw as RouteRule;
  knownOptions(rule, ROW_OPTIONS, where);
  ttlOption(rule.ttl, `${where}: ttl`);
  aliasOption(rule.cache, where);
  prefixOption(rule.keyPrefix, where);
  tagsOption(rule.tags, where);
  if (rule.invalidatedBy !== undefined) {
    if (!Array.isArray(rule.invalidatedBy)) throw new TypeError(`cachette: ${where}: invalidatedBy must be an array of path patterns or RegExps, got ${describe(rule.invalidatedBy)}`);
    for (const pattern of rule.invalidatedBy) compilePattern(pattern, origin);
  }
  if (rule.opaque !== undefined && typeof rule.opaque !== 'boolean') throw new TypeError(`cachette: ${where}: opaque must be a boolean, got ${describe(rule.opaque)}`);
  let matcher: RouteMatchCallback;
  let matchText: string;
  if (typeof rule.match === 'function') {
    matcher = rule.match;
    matchText = `(function ${rule.match.name || 'anonymous'})`;
  } else if (typeof rule.match === 'string' || rule.match instanceof RegExp) {
    const test = compilePattern(rule.match, origin);
    matcher = ({ url }: RouteMatchCallbackOptions) => test(url);
    matchText = String(rule.match);
  } else {
    throw new TypeError(`cachette: ${where}: match must be a path like '/api/authors/:id', a RegExp or a match callback, got ${describe(rule.match)}`);
  }
  return { id: `route:${table}.${index}:${matchText}`, rule, matcher, matchText };
}
