/**
 * The worker's cache middleware, shared by `cacheSite`, `cachePage` and `cacheRoutes`:
 * Django's `FetchFromCacheMiddleware` (serve a live entry, with `Age`) and
 * `UpdateCacheMiddleware` (store what the rules allow, after the page has its response).
 * A failing cache never breaks a page: the request goes to the network and the error is
 * reported and counted.
 */
import { getCache } from '../caches.js';
import { invalidationBus } from '../invalidations.js';
import type { Cache } from '../core/cache.js';
import { storeId } from '../core/apply-invalidation.js';
import { reportError } from '../core/report.js';
import { routeTag, SESSION_TAG, urlTag } from '../core/entry-vocabulary.js';
import { isCacheableRequest, patchResponseHeaders, storeDecision, varyHeaders, type TimeoutRule } from './cacheability.js';
import { keep, lookUp, NO_VARY, varyHash } from './request-key.js';
import { networkRequest } from './network-request.js';
import { catchUpOnce } from './push-catch-up.js';
import { joinMiss, leadMiss, sharedToResponse, type LeadMiss } from './shared-miss.js';
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
}

/** Something to keep the worker alive for (`FetchEvent.waitUntil`). */
interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * The response for `request` under `route`'s rules: from the cache when a live entry exists,
 * else from the miss already in flight for it, else from the network (stored when the
 * rules allow, without delaying the response).
 * @example registerRoute(/\/api\//, ({ request, event }) => respondWithCache(request, event, route));
 */
export async function respondWithCache(request: Request, event: WaitUntil | undefined, route: CachedRoute): Promise<Response> {
  if (!isCacheableRequest(request)) return fetch(request);
  // A route TTL of 0 or less is Django's @never_cache: nothing to store, so nothing to look up.
  if (route.timeout.kind === 'route' && route.timeout.seconds !== null && route.timeout.seconds <= 0) return fetch(request);
  let cache: Cache;
  try {
    cache = getCache(route.cache);
  } catch (error) {
    reportError(error, `the worker's route ${route.id}`);
    count(route.id, route.cache, 'errors');
    return fetch(networkRequest(request));
  }
  // Coming back after every tab was closed: what was published meanwhile is applied first.
  const catchingUp = catchUpOnce();
  if (catchingUp) await catchingUp;
  try {
    const hit = await lookup(cache, route, request);
    if (hit) {
      count(route.id, route.cache, 'hits');
      return hit;
    }
  } catch (error) {
    reportError(error, `reading ${request.url} from cache '${route.cache}'`);
    count(route.id, route.cache, 'errors');
    return fetch(networkRequest(request));
  }
  const missKey = `${cache.alias}\u0000${route.keyPrefix}\u0000${request.url}`;
  const shared = await followMiss(missKey, request);
  if (shared) {
    count(route.id, route.cache, 'hits');
    return shared;
  }
  count(route.id, route.cache, 'misses');
  const generation = invalidationBus().generation;
  // HEAD is answered from a GET entry but never stored: a HEAD miss leads nothing.
  const lead = request.method === 'GET' ? leadMiss(missKey, generation) : undefined;
  let response: Response;
  try {
    response = await fetch(networkRequest(request));
  } catch (error) {
    lead?.finish();
    throw error;
  }
  try {
    return await fill(cache, route, request, response, event, lead, generation);
  } catch (error) {
    lead?.finish();
    // Deciding or preparing to store failed (reading the cookie jar, say): the page still gets its response.
    reportError(error, `storing ${request.url} in cache '${route.cache}'`);
    count(route.id, route.cache, 'errors');
    return response.bodyUsed ? fetch(networkRequest(request)) : response;
  }
}

/** The answer of the miss in flight for `key`, when it can serve this request too. */
async function followMiss(key: string, request: Request): Promise<Response | undefined> {
  const pending = joinMiss(key, invalidationBus().generation);
  if (!pending) return undefined;
  const shared = await pending;
  // The leader's response varies on headers this request may carry other values of.
  if (!shared || (await varyHash(request, shared.vary)) !== shared.varyHash) return undefined;
  return sharedToResponse(shared, request.method);
}

async function lookup(cache: Cache, route: CachedRoute, request: Request): Promise<Response | undefined> {
  const found = await lookUp(cache, route.keyPrefix, request);
  if (!found) return undefined;
  if ('corrupt' in found) {
    reportError(new TypeError(`a corrupt entry for ${request.url} (not a stored response): removed`), `reading cache '${route.cache}'`);
    // Removed, so the miss that follows stores a good copy instead of failing again until the TTL passes.
    void cache.delete(found.key).catch((error: unknown) => reportError(error, `removing the corrupt entry for ${request.url}`)); // fire-and-forget
    return undefined;
  }
  const { response, storedAt } = found.restored;
  // An opaque response's headers are immutable (and hidden from the page anyway).
  if (response.type !== 'opaque') response.headers.set('Age', String(Math.max(0, Math.floor((Date.now() - storedAt) / 1000))));
  return response;
}

async function fill(
  cache: Cache,
  route: CachedRoute,
  request: Request,
  response: Response,
  event: WaitUntil | undefined,
  lead: LeadMiss | undefined,
  generation: number,
): Promise<Response> {
  const decision = storeDecision(request, response, route.timeout, { opaque: route.opaque });
  if (!decision.store) {
    lead?.finish();
    count(route.id, route.cache, 'notStored');
    return response;
  }
  if (response.type === 'opaque') {
    lead?.finish();
    return fillOpaque(cache, route, request.url, response, decision.seconds, event, generation);
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
  // Two branches of one body: the page's streams at once; the other is read whole for the cache and the followers.
  const parts = takeApart(response.clone()).then((p) => ({ ...p, headers }));
  const forPage = new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  lead?.settle(parts.then((p) => ({ ...p, storedAt: now, vary, varyHash: hash }), () => undefined));
  const tags = [...route.tags, ...responseTags(response), routeTag(route.id), urlTag(request.url)];
  if (vary.includes('cookie') || vary.includes('authorization')) tags.push(SESSION_TAG);
  writeLater(cache, route, request.url, event, generation, lead, async () => {
    const value = await toStorable(await parts, cache.store.capabilities.nativeResponses === true);
    if (invalidated(generation)) return undefined;
    return keep(cache, route.keyPrefix, request.url, value, { vary, hash, seconds: decision.seconds, tags });
  });
  return forPage;
}

/** Whether an invalidation began since `generation` was read: what was fetched before it must not be stored. */
function invalidated(generation: number): boolean {
  return invalidationBus().generation !== generation;
}

/**
 * Runs a write (resolving to the key written, or `undefined` when it gave up) after the
 * page has its response, kept alive by `waitUntil`; failures are reported and counted. An
 * invalidation that begins while the response is fetched or written wins: the copy is not
 * stored, or removed again if the write raced it.
 */
function writeLater(
  cache: Cache,
  route: CachedRoute,
  url: string,
  event: WaitUntil | undefined,
  generation: number,
  lead: LeadMiss | undefined,
  write: () => Promise<string | undefined>,
): void {
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
function fillOpaque(
  cache: Cache,
  route: CachedRoute,
  url: string,
  response: Response,
  seconds: number | null,
  event: WaitUntil | undefined,
  generation: number,
): Response {
  if (cache.store.capabilities.nativeResponses !== true) {
    reportError(new TypeError(`an opaque response for ${url} needs a 'cache-storage' cache; '${route.cache}' is '${cache.options.backend}'`), `storing ${url}`);
    count(route.id, route.cache, 'notStored');
    return response;
  }
  const tags = [...route.tags, routeTag(route.id), urlTag(url)];
  const copy = response.clone();
  writeLater(cache, route, url, event, generation, undefined, async () => {
    if (invalidated(generation)) return undefined;
    return keep(cache, route.keyPrefix, url, copy, { vary: [], hash: NO_VARY, seconds, tags });
  });
  return response;
}

/** Tags a response gives itself, by the CDN convention (`Cache-Tag`, `Surrogate-Key`). */
function responseTags(response: Response): string[] {
  const raw = `${response.headers.get('cache-tag') ?? ''},${response.headers.get('surrogate-key') ?? ''}`;
  return raw.split(/[\s,]+/).filter(Boolean);
}
