/**
 * `invalidatedBy`: a successful (2xx) POST, PUT, PATCH or DELETE through the worker to a
 * matching URL removes the routes' entries (everywhere, as `invalidate({ tags })`) before the
 * response reaches the page, and applies the events the server says it published for this
 * change (the `Cachette-Invalidated` header) under the ids their pushed copies will carry,
 * so this browser applies its own change once. One workbox route per method serves every
 * declared row, since workbox stops at the first matching route.
 */
import { Route, registerRoute } from 'workbox-routing';
import type { RouteHandlerCallbackOptions, RouteMatchCallbackOptions } from 'workbox-core/types.js';
import { invalidate, invalidationBus } from '../invalidations.js';
import { INVALIDATED_HEADER, parseInvalidatedHeader } from '../core/invalidated-header.js';
import { pushedInvalidationId } from '../core/push-events.js';
import { reportError } from '../core/report.js';
import { routeTag } from '../core/entry-vocabulary.js';
import { matchesAny, type RoutePattern } from '../core/route-pattern.js';


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
    const where = `${request.method} ${request.url}`;
    // Through the public invalidate: the entries go, and every tab's listeners hear of it.
    const rows = matching(url);
    await Promise.all([
      rows.length ? invalidate({ tags: rows.map((row) => routeTag(row.routeId)) }).catch((error: unknown) => reportError(error, `invalidating the routes of ${where}`)) : undefined,
      applyAnnounced(response, where),
    ]);
  }
  return response;
}

/**
 * Applies the events a response's `Cachette-Invalidated` header announces. Each goes under
 * the id `connectInvalidations` gives its pushed copy (the hub's URL and the event's id), so
 * every context here acts on it once, whichever copy comes first. No `pushed` origin: where
 * a connection resumes moves only with the stream, in order.
 */
async function applyAnnounced(response: Response, where: string): Promise<void> {
  const header = response.headers.get(INVALIDATED_HEADER);
  if (header === null) return;
  const { events, problems } = parseInvalidatedHeader(header);
  for (const problem of problems) reportError(new TypeError(`cachette: ${problem}`), `the response to ${where}`);
  await Promise.all(
    events.map(async ({ id, hubPath, target }) => {
      const hub = new URL(hubPath, self.location.origin).href;
      const invalidationId = pushedInvalidationId(hub, id);
      try {
        await invalidationBus().invalidate(target, invalidationId ? { id: invalidationId } : {});
      } catch (error) {
        reportError(error, `applying event ${id} announced by the response to ${where}`);
      }
    }),
  );
}
