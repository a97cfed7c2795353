/**
 * `httpCache()`: the per-site cache with HTTP's rules instead of Django's, the semantics of
 * an RFC 9111 **private** cache (a browser's), for users who want their origin's
 * `Cache-Control` to decide. Freshness comes from `max-age`, `Expires` and `Date`, `Age`,
 * or `Last-Modified` heuristics (see http-freshness.ts); every storable status is stored;
 * `no-cache` responses are stored and revalidated; an expired entry with a validator is
 * refreshed with a conditional request and a 304 renews it without a body; unsafe methods
 * (any method but GET, HEAD, OPTIONS and TRACE, unknown ones included) invalidate the URL
 * and their same-origin `Location` and `Content-Location`; `Vary` selects the stored
 * response; a `Range` request is answered from a stored whole response; served responses
 * carry their current `Age`. When the origin cannot be reached, a stale entry is served
 * unless it says `must-revalidate` or `no-cache` (§4.2.4): the app keeps working offline.
 *
 * Its network requests bypass the browser's HTTP cache (`cache: 'no-store'`): this is the
 * HTTP cache of the requests it handles, and a second one beneath it could hand back what
 * this one dropped. It installs itself as `cacheSite` does (workbox-routing's default
 * handler for GET, a catch-all route for HEAD and the usual unsafe methods, registered
 * after the script's own routes) and handles other unsafe methods in a fetch listener of
 * its own. Use it instead of `cacheSite`, not with it.
 */
import { Route, registerRoute, setDefaultHandler } from 'workbox-routing';
import type { RouteHandlerCallbackOptions, RouteHandlerObject } from 'workbox-core/types.js';
import { getCache } from '../caches.js';
import { invalidationBus } from '../invalidations.js';
import type { Cache } from '../core/cache.js';
import { storeId } from '../core/apply-invalidation.js';
import { reportError } from '../core/report.js';
import { freshTag, routeTag, urlTag } from '../core/entry-vocabulary.js';
import { parseCacheControl, type CacheControlDirectives } from './cache-control.js';
import { varyHeaders } from './cacheability.js';
import { freshnessLifetime, initialAge, staleOnError, storedHeaders, unstorableReason, usability, type StoredFacts } from './http-freshness.js';
import { answerRange } from './http-range.js';
import { reportAliasFailure } from './check-aliases.js';
import { setUpWorker } from './lifecycle.js';
import { describe } from '../core/options.js';
import { aliasOption, knownOptions, optionsObject, prefixOption } from './options.js';
import { catchUpOnce } from './push-catch-up.js';
import { keep, lookUp, varyHash } from './request-key.js';
import { conditionalRequest, renewHeaders } from './revalidation.js';
import { declareRoute, forgetRoute } from './route-table.js';
import { joinMiss, leadMiss, type LeadMiss, type SharedResponse } from './shared-miss.js';
import { count } from './stats.js';
import { NULL_BODY_STATUSES, takeApart, toStorable, type ResponseParts } from './stored-response.js';
import { trackWrite } from './worker-writes.js';

declare const self: ServiceWorkerGlobalScope;

/** `httpCache`'s options. */
export interface HttpCacheOptions {
  /** The cache alias. Default `'default'`. */
  cache?: string;
  /** Default `''`. */
  keyPrefix?: string;
  /**
   * The app shell of a single-page app (Workbox's navigation fallback): a navigation to a
   * path `allowlist` matches (every path when absent) and `denylist` does not is answered as
   * a request for `url` would be, from the one stored copy of the shell. So a reload on any
   * view works offline, even one the browser never loaded as a page.
   */
  navigationFallback?: { url: string; allowlist?: RegExp[]; denylist?: RegExp[] };
}

/** The route id of `httpCache` in the route table and the stats. */
const ROUTE_ID = 'http';
/** Methods that neither change the origin's state nor are cached: passed through untouched. */
const SAFE_UNCACHED = new Set(['OPTIONS', 'TRACE', 'CONNECT']);
/** Unsafe methods workbox-routing gets catch-all routes for; any other method gets the fetch listener. */
const ROUTED_UNSAFE = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** Conditional request headers: a request that carries its own asks the origin its own question. */
const CONDITIONALS = ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range'];

interface HttpRoute {
  cache: string;
  keyPrefix: string;
}

/**
 * Caches every same-origin request by RFC 9111's rules for a private cache; returns a
 * function that stops it (those requests then go to the network).
 * @example
 * // sw.ts
 * import { httpCache } from 'cachette/sw';
 * httpCache();
 */
export function httpCache(options?: HttpCacheOptions): () => void {
  const where = 'httpCache';
  const values = optionsObject(options, where);
  knownOptions(values, ['cache', 'keyPrefix', 'navigationFallback'], where);
  const route: HttpRoute = { cache: aliasOption(values.cache, where), keyPrefix: prefixOption(values.keyPrefix, where) };
  const shell = fallbackOption(values.navigationFallback, where);
  setUpWorker();
  let active = true;
  declareRoute({ id: ROUTE_ID, kind: 'site', match: '(same origin, HTTP rules)', ttl: null, cache: route.cache, keyPrefix: route.keyPrefix, tags: [], invalidatedBy: [] });
  const ours = (request: Request) => active && new URL(request.url).origin === self.location.origin;
  const handler: RouteHandlerObject = {
    handle: ({ request, event }: RouteHandlerCallbackOptions) => {
      if (!ours(request)) return fetch(request);
      return respondHttp(shell?.(request) ?? request, event as FetchEvent, route);
    },
  };
  setDefaultHandler(handler);
  // After every route the script registers, as a default handler would be.
  queueMicrotask(() => {
    for (const method of ['HEAD', ...ROUTED_UNSAFE] as const) registerRoute(new Route(({ request }) => ours(request), handler, method));
  });
  const otherMethods = (event: FetchEvent) => {
    const { request } = event;
    const method = request.method.toUpperCase();
    if (method === 'GET' || method === 'HEAD' || SAFE_UNCACHED.has(method) || (ROUTED_UNSAFE as readonly string[]).includes(method)) return;
    if (ours(request)) event.respondWith(forwardUnsafe(request, route, event));
  };
  self.addEventListener('fetch', otherMethods);
  return () => {
    if (!active) return;
    active = false;
    self.removeEventListener('fetch', otherMethods);
    forgetRoute(ROUTE_ID);
  };
}

/**
 * The `navigationFallback` option, checked: a function giving the shell's request for a
 * navigation it covers (`undefined` for any other request), or `undefined` without one.
 */
function fallbackOption(value: unknown, where: string): ((request: Request) => Request | undefined) | undefined {
  if (value === undefined) return undefined;
  const what = `${where}: navigationFallback`;
  if (typeof value !== 'object' || value === null) throw new TypeError(`cachette: ${what} must be { url: '/index.html', allowlist?: RegExp[], denylist?: RegExp[] }, got ${describe(value)}`);
  knownOptions(value, ['url', 'allowlist', 'denylist'], what);
  const { url, allowlist, denylist } = value as Record<string, unknown>;
  if (typeof url !== 'string' || !url.startsWith('/')) throw new TypeError(`cachette: ${what}.url must be a same-origin path like '/index.html', got ${describe(url)}`);
  const patterns = (list: unknown, name: string): RegExp[] | undefined => {
    if (list === undefined) return undefined;
    if (!Array.isArray(list) || !list.every((p) => p instanceof RegExp)) throw new TypeError(`cachette: ${what}.${name} must be an array of RegExps, got ${describe(list)}`);
    return list;
  };
  const allow = patterns(allowlist, 'allowlist');
  const deny = patterns(denylist, 'denylist') ?? [];
  const target = new URL(url, self.location.origin).href;
  return (request) => {
    if (request.mode !== 'navigate') return undefined;
    const { pathname, search } = new URL(request.url);
    const path = pathname + search;
    if ((allow && !allow.some((p) => p.test(path))) || deny.some((p) => p.test(path))) return undefined;
    return new Request(target, { headers: request.headers, credentials: request.credentials });
  };
}

/** The response to a same-origin request under HTTP's rules. */
async function respondHttp(request: Request, event: FetchEvent | undefined, route: HttpRoute): Promise<Response> {
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') return SAFE_UNCACHED.has(method) ? fetch(request) : forwardUnsafe(request, route, event);
  const directives = parseCacheControl(request.headers.get('cache-control'));
  // The page asked for no cache at all, or asks its own conditional question: the origin answers.
  if (request.cache === 'no-store' || directives.has('no-store') || CONDITIONALS.some((h) => request.headers.has(h))) return fetch(bypass(request));
  let cache: Cache;
  try {
    cache = getCache(route.cache);
  } catch (error) {
    reportAliasFailure(error, route.cache, 'httpCache');
    count(ROUTE_ID, route.cache, 'errors');
    return fetch(bypass(request));
  }
  const catchingUp = catchUpOnce();
  if (catchingUp) await catchingUp;
  const onlyIfCached = request.cache === 'only-if-cached' || directives.has('only-if-cached');
  const range = request.headers.get('range');
  const missKey = `http\u0000${cache.alias}\u0000${route.keyPrefix}\u0000${request.url}`;
  let found: Found | undefined;
  // Twice at most: a request that waited for a miss in flight reads what that miss stored.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      found = request.cache === 'reload' ? undefined : await findStored(cache, route, request);
    } catch (error) {
      return failOver(error, `reading ${request.url} from cache '${route.cache}'`, route, request);
    }
    if (found) break;
    const pending = attempt === 0 ? joinMiss(missKey, invalidationBus().generation) : undefined;
    if (!pending) break;
    const shared = await pending;
    if (shared && (await varyHash(request, shared.vary)) === shared.varyHash && usability(sharedFacts(shared), directives, request.cache) === 'fresh') {
      count(ROUTE_ID, route.cache, 'hits');
      const response = fromShared(shared, method);
      return range === null ? response : answerRange(response, range);
    }
  }
  if (found) {
    const verdict = usability(found.facts, directives, request.cache);
    if (verdict === 'fresh' || onlyIfCached) {
      count(ROUTE_ID, route.cache, 'hits');
      return served(found, range);
    }
    if (verdict === 'stale-while-revalidate') {
      count(ROUTE_ID, route.cache, 'stale');
      refreshInBackground(cache, route, request, found, event);
      return served(found, range);
    }
    return revalidate(cache, route, request, found, directives, event);
  }
  if (onlyIfCached) return gatewayTimeout();
  count(ROUTE_ID, route.cache, 'misses');
  // A range or a HEAD of something not stored: the origin answers it; only whole GET responses are stored.
  if (range !== null || method === 'HEAD') return fetch(bypass(request));
  const generation = invalidationBus().generation;
  const lead = leadMiss(missKey, generation);
  const requestTime = Date.now();
  let response: Response;
  try {
    response = await fetch(bypass(request));
  } catch (error) {
    lead.finish();
    throw error;
  }
  return fill(cache, route, request, response, requestTime, event, lead, generation);
}

/** A follower's answer from the shared parts of a miss: a cached response, with its `Age`. */
function fromShared(shared: SharedResponse, method: string): Response {
  const headers = new Headers(shared.headers);
  headers.set('Age', String(Math.floor(Math.max(0, Date.now() - shared.storedAt) / 1000)));
  const body = method === 'HEAD' || NULL_BODY_STATUSES.has(shared.status) ? null : shared.body;
  return new Response(body, { status: shared.status, statusText: shared.statusText, headers });
}

/** What RFC 9111 computes of a miss's shared response (its `storedAt` is backdated by its initial age). */
function sharedFacts(shared: SharedResponse): StoredFacts {
  const directives = parseCacheControl(shared.headers.get('cache-control'));
  const age = Math.max(0, Date.now() - shared.storedAt) / 1000;
  return { age, lifetime: freshnessLifetime(shared.status, shared.headers, shared.storedAt, directives), directives };
}

/** What a cache answers when it may neither use what it has nor reach the origin (§5.2.1.7, §4.2.4). */
function gatewayTimeout(): Response {
  return new Response(null, { status: 504, statusText: 'Gateway Timeout' });
}

/** A stored response for a request, with what RFC 9111 computes of it. */
interface Found {
  key: string;
  response: Response;
  /** When it was written (ms since the epoch). */
  storedAt: number;
  facts: StoredFacts;
}

async function findStored(cache: Cache, route: HttpRoute, request: Request): Promise<Found | undefined> {
  const found = await lookUp(cache, route.keyPrefix, request);
  if (!found) return undefined;
  if ('corrupt' in found) {
    void cache.delete(found.key).catch((error: unknown) => reportError(error, `removing the corrupt entry for ${request.url}`));
    return undefined;
  }
  const { response, storedAt } = found.restored;
  if (response.type === 'opaque') return undefined;
  const directives = parseCacheControl(response.headers.get('cache-control'));
  // The stored `Age` is the response's age when it was written (see `fill`).
  const age = Number(response.headers.get('age') ?? 0) + Math.max(0, (Date.now() - storedAt) / 1000);
  const lifetime = freshnessLifetime(response.status, response.headers, storedAt, directives);
  return { key: found.key, response, storedAt, facts: { age, lifetime, directives } };
}

/** A stored response as served: its current `Age`, and the requested range of it. */
async function served(found: Found, range: string | null): Promise<Response> {
  found.response.headers.set('Age', String(Math.floor(found.facts.age)));
  return range === null ? found.response : answerRange(found.response, range);
}

/**
 * Asks the origin about a stored response that may not be served as is: conditionally when
 * it has a validator (a 304 renews it), else plainly; when the origin cannot be reached or
 * fails, a stale response is served where §4.2.4 and `stale-if-error` allow.
 */
async function revalidate(cache: Cache, route: HttpRoute, request: Request, found: Found, directives: CacheControlDirectives, event: FetchEvent | undefined): Promise<Response> {
  const generation = invalidationBus().generation;
  const requestTime = Date.now();
  const conditional = conditionalRequest(request, found.response.headers);
  let response: Response;
  try {
    response = await fetch(conditional ?? bypass(request));
  } catch (error) {
    if (staleOnError(found.facts, directives, 'network')) {
      count(ROUTE_ID, route.cache, 'stale');
      return served(found, request.headers.get('range'));
    }
    // The origin says its stale copies must never be used unchecked (`must-revalidate`, `no-cache`): a 504, as §4.2.4 requires.
    if (found.facts.directives.has('must-revalidate') || found.facts.directives.has('no-cache')) return gatewayTimeout();
    throw error;
  }
  if (response.status === 304 && conditional) return renew(cache, route, request, found, response, requestTime, event, generation);
  if (response.status >= 500 && staleOnError(found.facts, directives, 'status')) {
    void response.body?.cancel();
    count(ROUTE_ID, route.cache, 'stale');
    return served(found, request.headers.get('range'));
  }
  count(ROUTE_ID, route.cache, 'misses');
  if (request.method === 'HEAD' || request.headers.has('range')) return response;
  return fill(cache, route, request, response, requestTime, event, undefined, generation);
}

/** One background refresh per stored key at a time. */
const refreshing = new Set<string>();

function refreshInBackground(cache: Cache, route: HttpRoute, request: Request, found: Found, event: FetchEvent | undefined): void {
  if (refreshing.has(found.key)) return;
  refreshing.add(found.key);
  // The page already has the stale copy; a GET without range refreshes the whole entry.
  const headers = new Headers(request.headers);
  headers.delete('range');
  const refresh = new Request(request.url, { headers, method: 'GET', credentials: request.credentials });
  const stale = { ...found, response: found.response.clone() };
  const work = revalidate(cache, route, refresh, stale, new Map(), undefined)
    .then((response) => response.body?.cancel())
    .catch((error: unknown) => reportError(error, `refreshing ${request.url} in the background`))
    .finally(() => refreshing.delete(found.key));
  event?.waitUntil(work);
}

/** A 304 for a stored response: its headers renewed (§4.3.4) and stored again; the page gets the whole response. */
async function renew(
  cache: Cache,
  route: HttpRoute,
  request: Request,
  found: Found,
  notModified: Response,
  requestTime: number,
  event: FetchEvent | undefined,
  generation: number,
): Promise<Response> {
  count(ROUTE_ID, route.cache, 'revalidations');
  const now = Date.now();
  const headers = renewHeaders(found.response.headers, storedHeaders(notModified.headers));
  const age = initialAge(notModified.headers, requestTime, now);
  headers.set('Age', String(Math.floor(age)));
  const { status, statusText } = found.response;
  if (request.method === 'GET') {
    const vary = varyHeaders(new Response(null, { headers }));
    const hash = await varyHash(request, vary);
    // The page streams the stored body at once; a copy of it is written back with the renewed headers.
    const copy = found.response.clone();
    const parts = copy.blob().then((body): ResponseParts => ({ status, statusText, headers: new Headers(headers), body }));
    if (hash !== undefined) write(cache, route, request.url, event, generation, undefined, parts, vary, hash, { age, at: now });
    else void copy.body?.cancel();
  }
  const range = request.headers.get('range');
  const response = new Response(request.method === 'HEAD' ? null : found.response.body, { status, statusText, headers: new Headers(headers) });
  return range === null ? response : answerRange(response, range);
}

/** A response from the origin: stored when RFC 9111 allows, without delaying the page. */
async function fill(
  cache: Cache,
  route: HttpRoute,
  request: Request,
  response: Response,
  requestTime: number,
  event: FetchEvent | undefined,
  lead: LeadMiss | undefined,
  generation: number,
): Promise<Response> {
  try {
    const reason = unstorableReason(request, response);
    const vary = reason ? [] : varyHeaders(response);
    const hash = reason ? undefined : await varyHash(request, vary);
    if (reason || hash === undefined) {
      lead?.finish();
      count(ROUTE_ID, route.cache, 'notStored');
      return response;
    }
    const now = Date.now();
    const age = initialAge(response.headers, requestTime, now);
    const headers = storedHeaders(response.headers);
    const parts = takeApart(response.clone()).then((p) => ({ ...p, headers }));
    const directives = parseCacheControl(headers.get('cache-control'));
    // Followers of this miss share it only when it may be served without asking the origin
    // again; otherwise they wait for the write and read the stored copy (to revalidate it).
    const shareable = !directives.has('no-cache') && age < freshnessLifetime(response.status, headers, now, directives);
    if (shareable) lead?.settle(parts.then((p) => ({ ...p, storedAt: now - age * 1000, vary, varyHash: hash }), () => undefined));
    write(cache, route, request.url, event, generation, lead, parts, vary, hash, { age, at: now });
    return response;
  } catch (error) {
    lead?.finish();
    reportError(error, `storing ${request.url} in cache '${route.cache}'`);
    count(ROUTE_ID, route.cache, 'errors');
    return response.bodyUsed ? fetch(bypass(request)) : response;
  }
}

/** Writes a response after the page has it, unless an invalidation began meanwhile. */
function write(
  cache: Cache,
  route: HttpRoute,
  url: string,
  event: FetchEvent | undefined,
  generation: number,
  lead: LeadMiss | undefined,
  parts: ResponseParts | Promise<ResponseParts>,
  vary: readonly string[],
  hash: string,
  aged: { age: number; at: number },
): void {
  const invalidated = () => invalidationBus().generation !== generation;
  const work = (async () => {
    const whole = await parts;
    // The stored `Age` is the age at the moment of writing, the entry's `stored` time: the
    // current age is then this plus the time since (§4.2.3's resident time).
    whole.headers.set('Age', String(aged.age + Math.max(0, Date.now() - aged.at) / 1000));
    const value = await toStorable(whole, cache.store.capabilities.nativeResponses === true);
    if (invalidated()) return;
    // Kept until culled (LRU, `maxEntries`): a stale entry is still revalidated, or served offline.
    const age = aged.age + Math.max(0, Date.now() - aged.at) / 1000;
    const freshUntil = Date.now() + (freshnessLifetime(whole.status, whole.headers, aged.at) - age) * 1000;
    const tags = [routeTag(ROUTE_ID), urlTag(url), freshTag(freshUntil)];
    const key = await keep(cache, route.keyPrefix, url, value, { vary, hash, seconds: null, tags });
    if (invalidated()) await cache.delete(key);
    else count(ROUTE_ID, route.cache, 'stored');
  })()
    .catch((error: unknown) => {
      reportError(error, `storing ${url} in cache '${route.cache}'`);
      count(ROUTE_ID, route.cache, 'errors');
    })
    .finally(() => lead?.finish());
  trackWrite(storeId(cache.store), work);
  event?.waitUntil(work);
}

/**
 * An unsafe request, sent on; a non-error answer (§4.4: 2xx or 3xx) invalidates the stored
 * responses for its URL and its same-origin `Location` and `Content-Location`, before the
 * page has the response.
 */
async function forwardUnsafe(request: Request, route: HttpRoute, event?: FetchEvent): Promise<Response> {
  const generation = invalidationBus().generation;
  const requestTime = Date.now();
  const response = await fetch(request);
  if (response.status >= 200 && response.status < 400) {
    const urls = [request.url];
    for (const name of ['location', 'content-location']) {
      const value = response.headers.get(name);
      if (value === null) continue;
      const url = new URL(value, request.url);
      if (url.origin === self.location.origin) urls.push(url.href);
    }
    try {
      const cache = getCache(route.cache);
      await cache.store.deleteTagged(urls.map(urlTag), Date.now());
    } catch (error) {
      reportError(error, `invalidating ${urls.join(', ')} after ${request.method} ${request.url}`);
      count(ROUTE_ID, route.cache, 'errors');
    }
    if (request.method === 'POST' && postAnswersGet(request, response)) {
      // RFC 9110 §9.3.3: this POST's answer is the resource's current representation, for later GETs.
      const get = new Request(request.url, { headers: request.headers, credentials: request.credentials });
      return fill(getCache(route.cache), route, get, response, requestTime, event, undefined, generation);
    }
  }
  return response;
}

/** Whether a POST response may answer later GETs: explicit freshness, and `Content-Location` naming the request's own URL. */
function postAnswersGet(request: Request, response: Response): boolean {
  const location = response.headers.get('content-location');
  if (location === null || new URL(location, request.url).href !== request.url) return false;
  return parseCacheControl(response.headers.get('cache-control')).has('max-age') || response.headers.has('expires');
}

/** The request as sent to the origin, past the browser's HTTP cache (see the header comment). */
function bypass(request: Request): Request {
  return request.cache === 'no-store' ? request : new Request(request, { cache: 'no-store' });
}

function failOver(error: unknown, context: string, route: HttpRoute, request: Request): Promise<Response> {
  reportError(error, context);
  count(ROUTE_ID, route.cache, 'errors');
  return fetch(bypass(request));
}
