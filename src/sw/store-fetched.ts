/**
 * Storing what the network answered, as Django's `UpdateCacheMiddleware` does, after the page
 * has its response: the rules decide (status, `Cache-Control`, Vary), the copy for the page
 * streams at once, and the copy for the cache (and for the followers of a shared miss) is read
 * whole and written later, kept alive by `waitUntil`. An invalidation that begins while the
 * response is fetched or written wins: the copy is not stored, or removed again.
 */
import { invalidationBus } from '../invalidations.js';
import type { Cache } from '../core/cache.js';
import { storeId } from '../core/apply-invalidation.js';
import { reportError } from '../core/report.js';
import { routeTag, SESSION_TAG, urlTag, freshTag } from '../core/entry-vocabulary.js';
import { patchResponseHeaders, storeDecision, varyHeaders, type TimeoutRule } from './cacheability.js';
import { staleWindows, storageSeconds, writeFreshness, type StaleWindows } from './freshness.js';
import type { IgnoredParam } from './ignore-params.js';
import { keep, NO_VARY, varyHash } from './request-key.js';
import { hasValidator } from './revalidation.js';
import type { LeadMiss } from './shared-miss.js';
import { count } from './stats.js';
import { takeApart, toStorable } from './stored-response.js';
import { trackWrite } from './worker-writes.js';

/** One route, as the worker caches for it. */
export interface CachedRoute {
  /** The route's id in the route table. */
  id: string;
  /** The cache alias. */
  cache: string;
  keyPrefix: string;
  timeout: TimeoutRule;
  /** Tags every stored response of the route carries. */
  tags: readonly string[];
  /** Whether opaque cross-origin responses may be stored. */
  opaque: boolean;
  /** Seconds after expiry during which a stale entry is served while it is refreshed (default 0). */
  staleWhileRevalidate?: number;
  /** Seconds after expiry during which a stale entry answers for a failed network (default 0). */
  staleIfError?: number;
  /** Query parameters left out of the key (default none). */
  ignoreParams?: readonly IgnoredParam[];
}

/** Something to keep the worker alive for (`FetchEvent.waitUntil`). */
export interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}

/** Where a fetched response is to be stored: the route, its cache, and the URL it is kept under. */
export interface FillTarget {
  cache: Cache;
  route: CachedRoute;
  /** The URL the entry is kept under (without the route's ignored parameters). */
  url: string;
  event: WaitUntil | undefined;
  /** The invalidation generation the fetch began in. */
  generation: number;
}

/**
 * The response for the page, with a copy stored when the route's rules allow it (and handed
 * to `lead`'s followers). Resolves once the decision is made; the write goes on after.
 * @example return fill({ cache, route, url, event, generation }, request, await fetch(networkRequest(request)), lead);
 */
export async function fill(target: FillTarget, request: Request, response: Response, lead: LeadMiss | undefined): Promise<Response> {
  const { cache, route, url } = target;
  const decision = storeDecision(request, response, route.timeout, { opaque: route.opaque });
  if (!decision.store) {
    lead?.finish();
    count(route.id, route.cache, 'notStored');
    return response;
  }
  if (response.type === 'opaque') {
    lead?.finish();
    return fillOpaque(target, response, decision.seconds);
  }
  const vary = varyHeaders(response);
  const hash = await varyHash(request, vary);
  if (hash === undefined) {
    lead?.finish();
    // Varies on a session the worker cannot read: never risk serving it to another one.
    count(route.id, route.cache, 'notStored');
    return response;
  }
  const now = Date.now();
  const headers = new Headers(response.headers);
  patchResponseHeaders(headers, decision.seconds, now);
  // The stored copy outlives its freshness by its stale windows (or for good, with a validator).
  const windows = staleWindows(route.timeout, routeWindows(route), response.headers);
  const seconds = storageSeconds(decision.seconds, windows, hasValidator(response.headers));
  const stored = new Headers(headers);
  writeFreshness(stored, { freshUntil: decision.seconds === null ? Infinity : now + decision.seconds * 1000, ...windows });
  // Two branches of one body: the page's streams at once; the other is read whole for the cache and the followers.
  const parts = takeApart(response.clone()).then((p) => ({ ...p, headers }));
  const forPage = new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  lead?.settle(parts.then((p) => ({ ...p, storedAt: now, vary, varyHash: hash }), () => undefined));
  const tags = [...route.tags, ...responseTags(response), routeTag(route.id), urlTag(url)];
  if (vary.includes('cookie') || vary.includes('authorization')) tags.push(SESSION_TAG);
  // Kept past its freshness: the devtools show when it goes stale, not when it is dropped.
  if (seconds !== decision.seconds && decision.seconds !== null) tags.push(freshTag(now + decision.seconds * 1000));
  writeLater(target, lead, async () => {
    const value = await toStorable({ ...(await parts), headers: stored }, cache.store.capabilities.nativeResponses === true);
    if (invalidated(target.generation)) return undefined;
    return keep(cache, route.keyPrefix, url, value, { vary, hash, seconds, tags });
  });
  return forPage;
}

/** The route's stale windows, as options gave them. */
export function routeWindows(route: CachedRoute): StaleWindows {
  return { staleWhileRevalidate: route.staleWhileRevalidate ?? 0, staleIfError: route.staleIfError ?? 0 };
}

/** Whether an invalidation began since `generation` was read: what was fetched before it must not be stored. */
export function invalidated(generation: number): boolean {
  return invalidationBus().generation !== generation;
}

/**
 * Runs a write (resolving to the key written, or `undefined` when it gave up) after the
 * page has its response, kept alive by `waitUntil`; failures are reported and counted. An
 * invalidation that begins while the response is fetched or written wins: the copy is not
 * stored, or removed again if the write raced it.
 */
function writeLater({ cache, route, url, event, generation }: FillTarget, lead: LeadMiss | undefined, write: () => Promise<string | undefined>): void {
  const work = write()
    .then(async (key) => {
      if (key !== undefined && invalidated(generation)) await cache.delete(key);
      count(route.id, route.cache, key !== undefined && !invalidated(generation) ? 'stored' : 'notStored');
    })
    .catch((error: unknown) => {
      reportError(error, `storing ${url} in cache '${route.cache}'`);
      count(route.id, route.cache, 'errors');
    })
    .finally(() => lead?.finish());
  trackWrite(storeId(cache.store), work);
  event?.waitUntil(work);
}

/**
 * An opaque response (a no-cors cross-origin fetch) hides its status and headers and cannot
 * be rebuilt: only a backend that stores responses as they are (`cache-storage`) can keep
 * one, under the URL's own key (it shows no Vary) and with no headers added.
 */
function fillOpaque(target: FillTarget, response: Response, seconds: number | null): Response {
  const { cache, route, url } = target;
  if (cache.store.capabilities.nativeResponses !== true) {
    reportError(new TypeError(`an opaque response for ${url} needs a 'cache-storage' cache; '${route.cache}' is '${cache.options.backend}'`), `storing ${url}`);
    count(route.id, route.cache, 'notStored');
    return response;
  }
  const tags = [...route.tags, routeTag(route.id), urlTag(url)];
  const copy = response.clone();
  writeLater(target, undefined, async () => {
    if (invalidated(target.generation)) return undefined;
    return keep(cache, route.keyPrefix, url, copy, { vary: [], hash: NO_VARY, seconds, tags });
  });
  return response;
}

/** Tags a response gives itself, by the CDN convention (`Cache-Tag`, `Surrogate-Key`). */
function responseTags(response: Response): string[] {
  const raw = `${response.headers.get('cache-tag') ?? ''},${response.headers.get('surrogate-key') ?? ''}`;
  return raw.split(/[\s,]+/).filter(Boolean);
}
