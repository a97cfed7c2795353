/**
 * RFC 9111's arithmetic for a private cache, as pure functions of headers and times, for
 * `httpCache()`: whether a response may be stored (§3), how long it stays fresh (§4.2.1,
 * heuristics §4.2.2), how old it is (§4.2.3), and what a request's own directives allow
 * (§5.2.1). Times are in milliseconds since the epoch, ages and lifetimes in seconds.
 */
import { MAX_DELTA_SECONDS, deltaSeconds, parseCacheControl, splitHeaderList, type CacheControlDirectives } from './cache-control.js';
import { varyHeaders } from './cacheability.js';

/** Status codes a cache may store without explicit freshness (RFC 9110 §15.1: heuristically cacheable). */
const HEURISTIC_STATUSES: ReadonlySet<number> = new Set([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]);

/** Statuses whose caching rules this cache implements, for `must-understand`. */
const UNDERSTOOD_STATUSES: ReadonlySet<number> = new Set([...HEURISTIC_STATUSES, 302, 303, 307, 400, 403, 500, 502, 503, 504]);

/** A heuristic lifetime is this fraction of the time since `Last-Modified` (§4.2.2's "typical setting"). */
const HEURISTIC_FRACTION = 0.1;

/** Header fields that describe one connection, never stored (§3.1), besides those `Connection` lists. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade'];

/** Why a response is not stored, or `undefined` when it may be. */
export function unstorableReason(request: Request, response: Response, requestDirectives = parseCacheControl(request.headers.get('cache-control'))): string | undefined {
  if (request.method !== 'GET') return `method ${request.method}`;
  if (response.type === 'opaque' || response.type === 'opaqueredirect') return `${response.type} response`;
  // A partial response is not a whole representation: ranges are served from a stored 200.
  if (response.status === 206 || response.status === 304 || response.status < 200) return `status ${response.status}`;
  if (requestDirectives.has('no-store')) return 'request Cache-Control: no-store';
  const directives = parseCacheControl(response.headers.get('cache-control'));
  // §5.2.2.3: `must-understand` replaces `no-store` for a cache that knows the status's caching rules.
  if (directives.has('must-understand')) {
    if (!UNDERSTOOD_STATUSES.has(response.status)) return `Cache-Control: must-understand (status ${response.status})`;
  } else if (directives.has('no-store')) return 'Cache-Control: no-store';
  if (varyHeaders(response).includes('*')) return 'Vary: *';
  // §3: something must allow it: explicit freshness, `public`/`private`, or a heuristically cacheable status.
  const explicit = directives.has('max-age') || response.headers.has('expires') || directives.has('public') || directives.has('private');
  if (!explicit && !HEURISTIC_STATUSES.has(response.status)) return `status ${response.status} without explicit freshness`;
  return undefined;
}

/**
 * The headers to store for a response (§3.1): without the fields that describe one
 * connection, nor those its `Connection` header lists.
 * @example const stored = storedHeaders(response.headers);
 */
export function storedHeaders(headers: Headers): Headers {
  const kept = new Headers(headers);
  const listed = splitHeaderList(headers.get('connection') ?? '').map((name) => name.toLowerCase());
  for (const name of [...HOP_BY_HOP, ...listed]) kept.delete(name);
  return kept;
}

/**
 * An HTTP-date (RFC 9110 §5.6.7) in ms since the epoch, or `undefined` when it is not one.
 * The preferred IMF-fixdate is read strictly (one space between fields, two-digit day and
 * hour, `GMT`); names are matched case-insensitively. The obsolete RFC 850 and asctime
 * forms are accepted too, as recipients must.
 * @example parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT') // 784111777000
 */
export function parseHttpDate(value: string | null): number | undefined {
  if (value === null) return undefined;
  const imf = /^(mon|tue|wed|thu|fri|sat|sun), (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) gmt$/i.exec(value);
  if (imf) return utc(imf[4]!, imf[3]!, imf[2]!, imf[5]!, imf[6]!, imf[7]!);
  const rfc850 = /^(monday|tuesday|wednesday|thursday|friday|saturday|sunday), (\d{2})-([a-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) gmt$/i.exec(value);
  if (rfc850) {
    // §5.6.7: a two-digit year more than 50 years in the future is in the past century.
    let year = 2000 + Number(rfc850[4]);
    if (year > new Date().getUTCFullYear() + 50) year -= 100;
    return utc(String(year), rfc850[3]!, rfc850[2]!, rfc850[5]!, rfc850[6]!, rfc850[7]!);
  }
  const asctime = /^(mon|tue|wed|thu|fri|sat|sun) ([a-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i.exec(value);
  if (asctime) return utc(asctime[7]!, asctime[2]!, asctime[3]!.trim(), asctime[4]!, asctime[5]!, asctime[6]!);
  return undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function utc(year: string, month: string, day: string, hour: string, minute: string, second: string): number | undefined {
  const m = MONTHS.indexOf(month.toLowerCase());
  const [d, h, min, s] = [Number(day), Number(hour), Number(minute), Number(second)];
  if (m === -1 || d < 1 || d > 31 || h > 23 || min > 59 || s > 60) return undefined;
  return Date.UTC(Number(year), m, d, h, min, s);
}

/**
 * The `Age` a response arrived with (§5.1): the first of its values, when that is
 * delta-seconds (clamped to 2^31); a malformed one counts as absent (0).
 * @example ageValue(new Headers({ Age: '7200, 0' })) // 7200
 */
export function ageValue(headers: Headers): number {
  const first = (headers.get('age') ?? '').split(',')[0]!.trim();
  return deltaSeconds(first) ?? 0;
}

/**
 * The age of a response when it was received (§4.2.3's `corrected_initial_age`), in seconds:
 * the larger of what its `Date` says and what its `Age` says plus the time the request took.
 * @example initialAge(response.headers, requestTime, Date.now())
 */
export function initialAge(headers: Headers, requestTime: number, responseTime: number): number {
  const date = parseHttpDate(headers.get('date')) ?? responseTime;
  const apparent = Math.max(0, (responseTime - date) / 1000);
  const corrected = ageValue(headers) + Math.max(0, (responseTime - requestTime) / 1000);
  return Math.min(MAX_DELTA_SECONDS, Math.max(apparent, corrected));
}

/**
 * How long a response stays fresh, in seconds (§4.2.1): `max-age` (the private cache ignores
 * `s-maxage`), else `Expires` minus `Date` (an invalid `Expires` means already stale), else
 * a tenth of the time since `Last-Modified` for a status that allows heuristics (or
 * `public`), else 0.
 * @example freshnessLifetime(200, new Headers({ 'Cache-Control': 'max-age=60' }), Date.now()) // 60
 */
export function freshnessLifetime(status: number, headers: Headers, responseTime: number, directives = parseCacheControl(headers.get('cache-control'))): number {
  if (directives.has('max-age')) return deltaSeconds(directives.get('max-age')) ?? 0;
  const date = parseHttpDate(headers.get('date')) ?? responseTime;
  if (headers.has('expires')) {
    const expires = parseHttpDate(headers.get('expires'));
    return expires === undefined ? 0 : Math.max(0, (expires - date) / 1000);
  }
  const lastModified = parseHttpDate(headers.get('last-modified'));
  if (lastModified !== undefined && (HEURISTIC_STATUSES.has(status) || directives.has('public'))) {
    return Math.max(0, ((date - lastModified) / 1000) * HEURISTIC_FRACTION);
  }
  return 0;
}

/** What a stored response is to a request, given both sides' directives. */
export type Usability =
  /** Serve it. */
  | 'fresh'
  /** Serve it, and refresh it in the background (`stale-while-revalidate`). */
  | 'stale-while-revalidate'
  /** Ask the origin first (conditionally where it has a validator). */
  | 'revalidate';

/** A stored response's facts, for {@link usability}. */
export interface StoredFacts {
  /** Seconds. */
  age: number;
  /** Seconds. */
  lifetime: number;
  /** The response's `Cache-Control`. */
  directives: CacheControlDirectives;
}

/**
 * Whether a stored response may answer a request (§4, §5.2.1 request directives, RFC 5861).
 * `no-cache` on either side, a request `max-age` it is older than, or a `min-fresh` it
 * cannot meet send it to the origin; `max-stale` allows a stale one.
 * @example usability({ age: 10, lifetime: 60, directives }, requestDirectives) // 'fresh'
 */
export function usability({ age, lifetime, directives }: StoredFacts, request: CacheControlDirectives, cacheMode: RequestCache = 'default'): Usability {
  // A reload (`no-cache` mode) leaves a fresh `immutable` response alone, as browsers do.
  if (cacheMode === 'no-cache' && directives.has('immutable') && age < lifetime && !directives.has('no-cache')) return 'fresh';
  if (cacheMode === 'no-cache' || request.has('no-cache') || directives.has('no-cache')) return 'revalidate';
  if (cacheMode === 'force-cache' || cacheMode === 'only-if-cached') return 'fresh';
  const maxAge = request.has('max-age') ? (deltaSeconds(request.get('max-age')) ?? 0) : undefined;
  if (maxAge !== undefined && age > maxAge) return 'revalidate';
  const minFresh = deltaSeconds(request.get('min-fresh'));
  if (minFresh !== undefined && lifetime - age < minFresh) return 'revalidate';
  if (age < lifetime) return 'fresh';
  const mustRevalidate = directives.has('must-revalidate');
  if (!mustRevalidate && request.has('max-stale')) {
    const maxStale = request.get('max-stale');
    if (maxStale === true || age - lifetime <= (deltaSeconds(maxStale) ?? 0)) return 'fresh';
  }
  const swr = deltaSeconds(directives.get('stale-while-revalidate'));
  if (!mustRevalidate && swr !== undefined && age - lifetime < swr) return 'stale-while-revalidate';
  return 'revalidate';
}

/**
 * Whether a stale response may answer when the origin cannot be reached or fails (§4.2.4,
 * RFC 5861 `stale-if-error`): never with `must-revalidate` or `no-cache`; with a
 * `stale-if-error` window (the response's or the request's), only within it; else, when
 * disconnected (`failure === 'network'`), always, as §4.2.4 allows; a 5xx answer only
 * within a window.
 * @example staleOnError({ age, lifetime, directives }, requestDirectives, 'network') // true
 */
export function staleOnError({ age, lifetime, directives }: StoredFacts, request: CacheControlDirectives, failure: 'network' | 'status'): boolean {
  if (directives.has('must-revalidate') || directives.has('no-cache') || request.has('no-cache')) return false;
  const window = deltaSeconds(request.get('stale-if-error')) ?? deltaSeconds(directives.get('stale-if-error'));
  if (window !== undefined) return age - lifetime <= window;
  return failure === 'network';
}
