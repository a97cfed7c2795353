/**
 * `invalidatedBy`: a successful (2xx) POST, PUT, PATCH or DELETE through the worker to a
 * matching URL removes the routes' entries before the response reaches the page. One
 * workbox route per method serves every declared row, since workbox stops at the first
 * matching route.
 */
import { Route, registerRoute } from 'workbox-routing';
import type { RouteHandlerCallbackOptions, RouteMatchCallbackOptions } from 'workbox-core/types.js';
import { getCache } from '../caches.js';
import { reportError } from '../core/report.js';
import { forgetLearntHeaders } from './request-key.js';
import { matchesAny, type RoutePattern } from '../core/route-pattern.js';
import { routeTag } from './route-table.js';

declare const self: ServiceWorkerGlobalScope;

/** A route whose entries mutations invalidate. */
export interface InvalidatedRoute {
  routeId: string;
  cache: string;
  patterns: readonly RoutePattern[];
}

const rows = new Map<string, InvalidatedRoute>();
let registered = false;
const METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Declares that mutations matching `row.patterns` invalidate `row.routeId`; returns the undo. */
export function watchMutations(row: InvalidatedRoute): () => void {
  rows.set(row.routeId, row);
  if (!registered) {
    registered = true;
    for (const method of METHODS) registerRoute(new Route(matchMutation, { handle: handleMutation }, method));
  }
  return () => rows.delete(row.routeId);
}

/**
 * Removes every entry stored through these routes; resolves once the stores no longer hold them.
 * @example await deleteRouteEntries([{ routeId: 'route:1.0:/api/authors', cache: 'default' }]);
 */
export async function deleteRouteEntries(routes: readonly Pick<InvalidatedRoute, 'routeId' | 'cache'>[]): Promise<void> {
  forgetLearntHeaders();
  await Promise.all(
    routes.map(async ({ routeId, cache }) => {
      const store = getCache(cache).store;
      await store.deleteTagged([routeTag(routeId)], Date.now());
    }),
  );
}

function matching(url: URL): InvalidatedRoute[] {
  return [...rows.values()].filter((row) => matchesAny(row.patterns, url, self.location.origin));
}

function matchMutation({ url }: RouteMatchCallbackOptions): boolean {
  return matching(url).length > 0;
}

async function handleMutation({ request, url }: RouteHandlerCallbackOptions): Promise<Response> {
  const response = await fetch(request);
  if (response.status >= 200 && response.status < 300) {
    try {
      await deleteRouteEntries(matching(url));
    } catch (error) {
      reportError(error, `invalidating the routes of ${request.method} ${request.url}`);
    }
  }
  return response;
}
