/**
 * The one way a Cachette route comes to be, whichever front declares it (`cacheSite`,
 * `cachePage`, each `cacheRoutes` row): its values are checked (a TypeError names the bad
 * one, and nothing is installed when any declaration is bad), it gets its caching rules,
 * it is listed in the route table, handed to workbox-routing through its public API, and
 * it can be taken back.
 *
 * workbox-routing's public API can add routes and set GET's default handler, but not remove
 * either, nor set HEAD's default handler. So a route is gated rather than removed: after its
 * cleanup it matches nothing (a later route or the default handler answers, as if it had
 * never been registered) and a default handler goes to the network. HEAD's "default handler"
 * is a catch-all HEAD route registered once the worker script's first evaluation is over
 * (a microtask), so it comes after every route the script registers, as a default would.
 */
import { Route, registerRoute, setDefaultHandler } from 'workbox-routing';
import type { RouteHandlerCallbackOptions, RouteHandlerObject, RouteMatchCallback, RouteMatchCallbackOptions } from 'workbox-core/types.js';
import { describe } from '../core/options.js';
import { compilePattern, type RoutePattern } from '../core/route-pattern.js';
import type { TimeoutRule } from './cacheability.js';
import { watchMutations } from './invalidated-by.js';
import { setUpWorker } from './lifecycle.js';
import { aliasOption, ignoreParamsOption, prefixOption, tagsOption, ttlOption, windowOption } from './options.js';
import { respondWithCache, type CachedRoute } from './respond-with-cache.js';
import { declareRoute, forgetRoute, type RouteInfo } from './route-table.js';

declare const self: ServiceWorkerGlobalScope;

/** One route as its front declares it; the values are checked here. */
export interface RouteDeclaration {
  /**
   * How requests reach it: `site` is workbox's default handler for GET and HEAD, `page` a
   * handler the app registers itself, `route` its own GET and HEAD routes, by `values.match`.
   */
  kind: RouteInfo['kind'];
  /** The route's id; a `route`'s id is followed by `:` and its pattern, so it stays readable and stable across restarts. */
  id: string;
  /** Names the declaration in errors: `'cacheSite'`, `'cacheRoutes row 2'`. */
  where: string;
  /** The TTL as given, and its name in errors (`'seconds'`, `'timeout'`, `'ttl'`). */
  ttl: { value: unknown; name: string };
  /**
   * `cache`, `keyPrefix`, `tags`, `invalidatedBy`, `opaque`, `staleWhileRevalidate`,
   * `staleIfError`, `ignoreParams` and `match`, as given (the front has rejected unknown names).
   */
  values: Readonly<Record<string, unknown>>;
}

/** What `buildRoutes` installed. */
export interface BuiltRoutes {
  /** One workbox handler per declaration, in order (what `cachePage` returns). */
  handlers: RouteHandlerObject[];
  /** Takes every route back: out of the route table and of workbox's matching, its mutations no longer watched. */
  cleanup: () => void;
}

/**
 * Checks every declaration, then installs them in order.
 * @example const { cleanup } = buildRoutes([{ kind: 'route', id: 'route:1.0', where: 'cacheRoutes row 0', ttl: { value: 60, name: 'ttl' }, values: { match: '/api/*' } }]);
 */
export function buildRoutes(declarations: readonly RouteDeclaration[]): BuiltRoutes {
  const checked = declarations.map(check);
  setUpWorker();
  const installed = checked.map(install);
  return {
    handlers: installed.map((i) => i.handler),
    cleanup: () => {
      for (const i of installed.splice(0)) i.cleanup();
    },
  };
}

interface CheckedRoute {
  info: RouteInfo;
  caching: CachedRoute;
  /** For `route`s: the match, as workbox calls it. */
  matcher?: RouteMatchCallback;
}

function check(d: RouteDeclaration): CheckedRoute {
  const { kind, where, values } = d;
  const seconds = ttlOption(d.ttl.value, `${where}: ${d.ttl.name}`, kind !== 'site');
  const timeout: TimeoutRule = kind === 'site' ? { kind: 'site', seconds: seconds as number } : { kind: 'route', seconds };
  const cache = aliasOption(values.cache, where);
  const keyPrefix = prefixOption(values.keyPrefix, where);
  const tags = tagsOption(values.tags, where);
  const invalidatedBy = patternsOption(values.invalidatedBy, where);
  if (values.opaque !== undefined && typeof values.opaque !== 'boolean') throw new TypeError(`cachette: ${where}: opaque must be a boolean, got ${describe(values.opaque)}`);
  const staleWhileRevalidate = windowOption(values.staleWhileRevalidate, where, 'staleWhileRevalidate');
  const staleIfError = windowOption(values.staleIfError, where, 'staleIfError');
  const ignoreParams = ignoreParamsOption(values.ignoreParams, where);
  let id = d.id;
  let match = kind === 'site' ? '(same origin)' : '(registerRoute)';
  let matcher: RouteMatchCallback | undefined;
  if (kind === 'route') {
    ({ matcher, text: match } = matchOption(values.match, where));
    id = `${id}:${match}`;
  }
  return {
    info: {
      id,
      kind,
      match,
      ttl: seconds,
      cache,
      keyPrefix,
      tags: [...tags],
      invalidatedBy: [...invalidatedBy],
      // Listed only when set, so a route without them reads as before.
      ...(staleWhileRevalidate > 0 ? { staleWhileRevalidate } : {}),
      ...(staleIfError > 0 ? { staleIfError } : {}),
      ...(ignoreParams.length ? { ignoreParams: ignoreParams.map(String) } : {}),
    },
    caching: { id, cache, keyPrefix, timeout, tags, opaque: values.opaque === true, staleWhileRevalidate, staleIfError, ignoreParams },
    ...(matcher ? { matcher } : {}),
  };
}

function install({ info, caching, matcher }: CheckedRoute): { handler: RouteHandlerObject; cleanup: () => void } {
  let active = true;
  declareRoute(info);
  const handler: RouteHandlerObject = {
    handle: ({ request, event }: RouteHandlerCallbackOptions) => {
      if (!active) return fetch(request);
      // The default handler also sees other origins' requests; the per-site cache is same-origin only.
      if (info.kind === 'site' && new URL(request.url).origin !== self.location.origin) return fetch(request);
      return respondWithCache(request, event, caching);
    },
  };
  if (info.kind === 'site') {
    setDefaultHandler(handler);
    const head = new Route(() => active, handler, 'HEAD');
    queueMicrotask(() => registerRoute(head));
  } else if (matcher) {
    const gated = (options: RouteMatchCallbackOptions) => active && matcher(options);
    for (const method of ['GET', 'HEAD'] as const) registerRoute(new Route(gated, handler, method));
  }
  const unwatch = info.invalidatedBy.length ? watchMutations({ routeId: info.id, patterns: info.invalidatedBy }) : () => {};
  return {
    handler,
    cleanup: () => {
      if (!active) return;
      active = false;
      unwatch();
      forgetRoute(info.id);
    },
  };
}

function matchOption(value: unknown, where: string): { matcher: RouteMatchCallback; text: string } {
  if (typeof value === 'function') return { matcher: value as RouteMatchCallback, text: `(function ${value.name || 'anonymous'})` };
  if (typeof value === 'string' || value instanceof RegExp) {
    const test = compilePattern(value, self.location.origin);
    return { matcher: ({ url }: RouteMatchCallbackOptions) => test(url), text: String(value) };
  }
  throw new TypeError(`cachette: ${where}: match must be a path like '/api/authors/:id', a RegExp or a match callback, got ${describe(value)}`);
}

function patternsOption(value: unknown, where: string): RoutePattern[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`cachette: ${where}: invalidatedBy must be an array of path patterns or RegExps, got ${describe(value)}`);
  for (const pattern of value) compilePattern(pattern as RoutePattern, self.location.origin);
  return [...(value as RoutePattern[])];
}
