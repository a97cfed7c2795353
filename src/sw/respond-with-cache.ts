/**
 * The worker's cache middleware, shared by `cacheSite`, `cachePage` and `cacheRoutes`:
 * Django's `FetchFromCacheMiddleware` (serve a live entry, with `Age`) and
 * `UpdateCacheMiddleware` (store what the rules allow, after the page has its response;
 * store-fetched.ts), with HTTP's ways of using an entry past its freshness: served stale
 * while a background refresh runs (`staleWhileRevalidate`), revalidated with a conditional
 * request when it carries a validator, and served stale when the network fails or answers
 * 5xx (`staleIfError`). A failing cache never breaks a page: the request goes to the network
 * and the error is reported and counted.
 */
import { getCache } from '../caches.js';
import { invalidationBus } from '../invalidations.js';
import type { Cache } from '../core/cache.js';
import { reportError } from '../core/report.js';
import { reportAliasFailure } from './check-aliases.js';
import { isCacheableRequest } from './cacheability.js';
import { entryState, servesOnError, type Freshness } from './freshness.js';
import { cacheUrl } from './ignore-params.js';
import { lookUp, varyHash } from './request-key.js';
import { networkRequest } from './network-request.js';
import { catchUpOnce } from './push-catch-up.js';
import { conditionalRequest, hasValidator } from './revalidation.js';
import { joinMiss, leadMiss, missInFlight, settledMiss, sharedToResponse, type SharedResponse } from './shared-miss.js';
import { confirms, refreshLater, renewed } from './stale.js';
import { count } from './stats.js';
import { fill, type CachedRoute, type FillTarget, type WaitUntil } from './store-fetched.js';

export type { CachedRoute } from './store-fetched.js';

/** An entry found for a request: the response (without `Age` yet) and what it allows. */
interface Found {
  key: string;
  response: Response;
  storedAt: number;
  freshness: Freshness;
  validator: boolean;
}

/**
 * The response for `request` under `route`'s rules: from the cache when a fresh entry exists
 * (or a stale one its windows allow), else from the miss already in flight for it, else from
 * the network (stored when the rules allow, without delaying the response).
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
    reportAliasFailure(error, route.cache, `the worker's route ${route.id}`);
    count(route.id, route.cache, 'errors');
    return fetch(networkRequest(request));
  }
  // Coming back after every tab was closed: what was published meanwhile is applied first.
  const catchingUp = catchUpOnce();
  if (catchingUp) await catchingUp;
  // Read, written and tagged under the URL without the ignored parameters; fetched with them.
  const url = cacheUrl(request.url, route.ignoreParams ?? []);
  let found: Found | undefined;
  try {
    found = await lookup(cache, route, request, url);
  } catch (error) {
    reportError(error, `reading ${request.url} from cache '${route.cache}'`);
    count(route.id, route.cache, 'errors');
    return fetch(networkRequest(request));
  }
  const missKey = `${cache.alias}\u0000${route.keyPrefix}\u0000${url}`;
  const state = found && entryState(found.freshness, Date.now(), found.validator);
  if (found && state === 'fresh') {
    count(route.id, route.cache, 'hits');
    return served(found);
  }
  if (found && state === 'stale') return serveStale({ cache, route, url, event, generation: invalidationBus().generation }, request, found, missKey);
  if (state === 'unusable') found = drop(found);
  // Joined and led in one go (no await between), so two requests that found the same
  // expired entry at once share one fetch.
  const pending = joinMiss(missKey, invalidationBus().generation);
  const shared = pending && (await followMiss(pending, request));
  if (shared) {
    drop(found);
    count(route.id, route.cache, 'hits');
    return shared;
  }
  count(route.id, route.cache, 'misses');
  const generation = invalidationBus().generation;
  // HEAD is answered from a GET entry but never stored: a HEAD miss leads nothing, nor revalidates.
  const lead = request.method === 'GET' ? leadMiss(missKey, generation) : undefined;
  const conditional = found && request.method === 'GET' ? conditionalRequest(request, found.response.headers) : undefined;
  let response: Response;
  try {
    response = await fetch(conditional ?? networkRequest(request));
  } catch (error) {
    lead?.finish();
    if (found && servesOnError(found.freshness, Date.now())) return servedOnError(route, found);
    throw error;
  }
  if (found && response.status >= 500 && servesOnError(found.freshness, Date.now())) {
    lead?.finish();
    void response.body?.cancel().catch(() => undefined); // fire-and-forget: the error page is not wanted
    return servedOnError(route, found);
  }
  if (found && conditional && response.status === 304 && confirms(response, found.response.headers, request)) {
    count(route.id, route.cache, 'revalidations');
    response = renewed(found.response, response);
  } else {
    drop(found);
  }
  try {
    return await fill({ cache, route, url, event, generation }, request, response, lead);
  } catch (error) {
    lead?.finish();
    // Deciding or preparing to store failed (reading the cookie jar, say): the page still gets its response.
    reportError(error, `storing ${request.url} in cache '${route.cache}'`);
    count(route.id, route.cache, 'errors');
    return response.bodyUsed ? fetch(networkRequest(request)) : response;
  }
}

/**
 * A stale entry within its `staleWhileRevalidate` window: answered at once, and refreshed in
 * the background unless a refresh for it is already running, whose response, once in hand,
 * answers instead.
 */
async function serveStale(target: FillTarget, request: Request, found: Found, missKey: string): Promise<Response> {
  const { route } = target;
  const done = settledMiss(missKey, target.generation);
  if (done && (await varyHash(request, done.vary)) === done.varyHash) {
    drop(found);
    count(route.id, route.cache, 'hits');
    return sharedToResponse(done, request.method);
  }
  if (!missInFlight(missKey, target.generation)) refreshLater(target, request, found.key, found.response.headers, missKey);
  count(route.id, route.cache, 'stale');
  return served(found);
}

/** The answer of the miss in flight (`pending`), when it can serve this request too. */
async function followMiss(pending: Promise<SharedResponse | undefined>, request: Request): Promise<Response | undefined> {
  const shared = await pending;
  // The leader's response varies on headers this request may carry other values of.
  if (!shared || (await varyHash(request, shared.vary)) !== shared.varyHash) return undefined;
  return sharedToResponse(shared, request.method);
}

async function lookup(cache: Cache, route: CachedRoute, request: Request, url: string): Promise<Found | undefined> {
  const found = await lookUp(cache, route.keyPrefix, request, url);
  if (!found) return undefined;
  if ('corrupt' in found) {
    reportError(new TypeError(`a corrupt entry for ${request.url} (not a stored response): removed`), `reading cache '${route.cache}'`);
    // Removed, so the miss that follows stores a good copy instead of failing again until the TTL passes.
    void cache.delete(found.key).catch((error: unknown) => reportError(error, `removing the corrupt entry for ${request.url}`)); // fire-and-forget
    return undefined;
  }
  const { response, storedAt } = found.restored;
  // An opaque response hides its headers: it has no validator to revalidate with.
  const validator = response.type !== 'opaque' && hasValidator(response.headers);
  return { key: found.key, response, storedAt, freshness: found.freshness, validator };
}

/** The entry as the page gets it: saying how old it is (an opaque response's headers are immutable, and hidden anyway). */
function served(found: Found): Response {
  const { response, storedAt } = found;
  if (response.type !== 'opaque') response.headers.set('Age', String(Math.max(0, Math.floor((Date.now() - storedAt) / 1000))));
  return response;
}

function servedOnError(route: CachedRoute, found: Found): Response {
  count(route.id, route.cache, 'stale');
  return served(found);
}

/** Lets go of an entry's body that will not be served. */
function drop(found: Found | undefined): undefined {
  void found?.response.body?.cancel().catch(() => undefined); // fire-and-forget
  return undefined;
}
