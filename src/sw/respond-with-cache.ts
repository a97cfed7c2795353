/**
 * The worker's cache middleware, shared by `cacheSite`, `cachePage` and `cacheRoutes`:
 * Django's `FetchFromCacheMiddleware` (serve a live entry, with `Age`) and
 * `UpdateCacheMiddleware` (store what the rules allow, after the page has its response).
 * A failing cache never breaks a page: the request goes to the network and the error is
 * reported and counted.
 */
import { getCache } from '../caches.js';
import type { Cache } from '../core/cache.js';
import { reportError } from '../core/report.js';
import { SESSION_TAG } from '../core/session-tags.js';
import { isCacheableRequest, patchResponseHeaders, storeDecision, varyHeaders, type StorePolicy } from './cacheability.js';
import { EMPTY_VARY_HASH, learnHeaders, learntHeaders, pageKey, varyHash } from './request-key.js';
import { routeTag, URL_TAG_PREFIX } from './route-table.js';
import { count } from './stats.js';
import { fromStorable, toStorable } from './stored-response.js';

/** How one route caches. */
export interface CachePolicy {
  routeId: string;
  /** The cache alias. */
  cache: string;
  keyPrefix: string;
  store: StorePolicy;
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
 * The response for `request` under `policy`: from the cache when a live entry exists,
 * else from the network (stored when the rules allow, without delaying the response).
 * @example registerRoute(/\/api\//, ({ request, event }) => respondWithCache(request, event, policy));
 */
export async function respondWithCache(request: Request, event: WaitUntil | undefined, policy: CachePolicy): Promise<Response> {
  if (!isCacheableRequest(request)) return fetch(request);
  // A route TTL of 0 or less is Django's @never_cache: nothing to store, so nothing to look up.
  if (policy.store.kind === 'route' && policy.store.seconds !== null && policy.store.seconds <= 0) return fetch(request);
  let cache: Cache;
  try {
    cache = getCache(policy.cache);
  } catch (error) {
    reportError(error, `the worker's route ${policy.routeId}`);
    count(policy.routeId, policy.cache, 'errors');
    return fetch(request);
  }
  try {
    const hit = await lookup(cache, policy, request);
    if (hit) {
      count(policy.routeId, policy.cache, 'hits');
      return hit;
    }
  } catch (error) {
    reportError(error, `reading ${request.url} from cache '${policy.cache}'`);
    count(policy.routeId, policy.cache, 'errors');
    return fetch(request);
  }
  count(policy.routeId, policy.cache, 'misses');
  const response = await fetch(request);
  try {
    return await store(cache, policy, request, response, event);
  } catch (error) {
    // Deciding or preparing to store failed (the cookie store, say): the page still gets its response.
    reportError(error, `storing ${request.url} in cache '${policy.cache}'`);
    count(policy.routeId, policy.cache, 'errors');
    return response.bodyUsed ? fetch(request) : response;
  }
}

async function lookup(cache: Cache, policy: CachePolicy, request: Request): Promise<Response | undefined> {
  const headers = await learntHeaders(cache, policy.keyPrefix, request.url);
  if (!headers) return undefined;
  const hash = await varyHash(request, headers);
  if (hash === undefined) return undefined;
  const value = await cache.get(pageKey(policy.keyPrefix, request.url, hash));
  if (value === undefined) return undefined;
  const restored = fromStorable(value, request.method);
  if (!restored) {
    reportError(new TypeError(`a corrupt entry for ${request.url}`), `reading cache '${policy.cache}'`);
    return undefined;
  }
  // An opaque response's headers are immutable (and hidden from the page anyway).
  if (restored.response.type !== 'opaque') {
    restored.response.headers.set('Age', String(Math.max(0, Math.floor((Date.now() - restored.storedAt) / 1000))));
  }
  return restored.response;
}

async function store(cache: Cache, policy: CachePolicy, request: Request, response: Response, event: WaitUntil | undefined): Promise<Response> {
  const decision = storeDecision(request, response, policy.store, { opaque: policy.opaque });
  if (!decision.store) {
    count(policy.routeId, policy.cache, 'notStored');
    return response;
  }
  if (response.type === 'opaque') return storeOpaque(cache, policy, request.url, response, decision.seconds, event);
  const vary = varyHeaders(response);
  const hash = await varyHash(request, vary);
  if (hash === undefined) {
    // Varies on a session the worker cannot read: never risk serving it to another one.
    count(policy.routeId, policy.cache, 'notStored');
    return response;
  }
  const now = Date.now();
  const headers = new Headers(response.headers);
  patchResponseHeaders(headers, decision.seconds, now);
  const forStore = response.clone();
  const forPage = new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  const tags = [...policy.tags, ...responseTags(response), routeTag(policy.routeId), URL_TAG_PREFIX + request.url];
  if (vary.includes('cookie') || vary.includes('authorization')) tags.push(SESSION_TAG);
  storeLater(cache, policy, request.url, event, async () => {
    const copy = new Response(forStore.body, { status: forStore.status, statusText: forStore.statusText, headers });
    const value = await toStorable(copy, now, cache.store.capabilities.nativeResponses === true);
    await cache.set(pageKey(policy.keyPrefix, request.url, hash), value, decision.seconds, { tags });
    await learnHeaders(cache, policy.keyPrefix, request.url, vary, decision.seconds, tags);
  });
  return forPage;
}

/** Runs a store after the page has its response, kept alive by `waitUntil`; failures are reported and counted. */
function storeLater(cache: Cache, policy: CachePolicy, url: string, event: WaitUntil | undefined, write: () => Promise<void>): void {
  const work = write().then(
    () => count(policy.routeId, policy.cache, 'stored'),
    (error: unknown) => {
      reportError(error, `storing ${url} in cache '${policy.cache}'`);
      count(policy.routeId, policy.cache, 'errors');
    },
  );
  event?.waitUntil(work);
}

/**
 * An opaque response (a no-cors cross-origin fetch) hides its status and headers and cannot
 * be rebuilt: only a backend that stores responses as they are (`cache-storage`) can keep
 * one, with no Vary to learn and no headers to add.
 */
function storeOpaque(cache: Cache, policy: CachePolicy, url: string, response: Response, seconds: number | null, event: WaitUntil | undefined): Response {
  if (cache.store.capabilities.nativeResponses !== true) {
    reportError(new TypeError(`an opaque response for ${url} needs a 'cache-storage' cache; '${policy.cache}' is '${cache.options.backend}'`), `storing ${url}`);
    count(policy.routeId, policy.cache, 'notStored');
    return response;
  }
  const tags = [...policy.tags, routeTag(policy.routeId), URL_TAG_PREFIX + url];
  const copy = response.clone();
  storeLater(cache, policy, url, event, async () => {
    await cache.set(pageKey(policy.keyPrefix, url, EMPTY_VARY_HASH), copy, seconds, { tags });
    await learnHeaders(cache, policy.keyPrefix, url, [], seconds, tags);
  });
  return response;
}

/** Tags a response gives itself, by the CDN convention (`Cache-Tag`, `Surrogate-Key`). */
function responseTags(response: Response): string[] {
  const raw = `${response.headers.get('cache-tag') ?? ''},${response.headers.get('surrogate-key') ?? ''}`;
  return raw.split(/[\s,]+/).filter(Boolean);
}
