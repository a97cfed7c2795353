/**
 * `invalidatedBy`: a successful (2xx) POST, PUT, PATCH or DELETE through the worker to a
 * matching URL removes the routes' entries (everywhere, as `invalidate({ tags })`) before the
 * response reaches the page. One
 * workbox route per method serves every declared row, since workbox stops at the first
 * matching route.
 */
import { Route, registerRoute } from 'workbox-routing';
import type { RouteHandlerCallbackOptions, RouteMatchCallbackOptions } from 'workbox-core/types.js';
import { invalidate } from '../caches.js';
import { reportError } from '../core/report.js';
import { matchesAny, type RoutePattern } from '../core/route-pattern.js';
import { routeTag } from './route-table.js';

declare const self: ServiceWorkerGlobalScope;

/** A route whose entries mutations invalidate. */
export interface InvalidatedRoute {
  routeId: string;
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
      // Through the public invalidate: the entries go, and every tab's listeners hear of it.
      const rows = matching(url);
      if (rows.length) await invalidate({ tags: rows.map((row) => routeTag(row.routeId)) });
    } catch (error) {
      reportError(error, `invalidating the routes of ${request.method} ${request.url}`);
    }
  }
  return response;
}
