import { MAX_DELTA_SECONDS, deltaSeconds, maxAgeSeconds, mentionsDirective, parseCacheControl, splitHeaderList } from './cache-control';

/**
 * Where a timeout comes from, as in Django: the per-site cache (`UpdateCacheMiddleware`,
 * where the response's `max-age` overrides `seconds`) or a route (`cache_page`, whose
 * timeout wins over `max-age`; `null` never expires).
 */
export type TimeoutRule = { kind: 'site'; seconds: number } | { kind: 'route'; seconds: number | null };

/** Whether to store a response, for how long (`null`: never expires), or why not (for the devtools). */
export type StoreDecision = { store: true; seconds: number | null } | { store: false; reason: string };

/** Options for {@link storeDecision}. */
export interface StoreDecisionOptions {
  /** Store opaque (no-cors, cross-origin) responses too, as a route's `opaque: true` asks. */
  opaque?: boolean;
}

/** What Django writes for "never expires" in `Expires` and `max-age`: one year. */
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

const UNCACHEABLE_DIRECTIVES = ['private', 'no-cache', 'no-store'] as const;

/**
 * Whether a request may be answered from the cache: GET and HEAD only, as Django's
 * `FetchFromCacheMiddleware`.
 *
 * @example
 * isCacheableRequest(new Request('/api/authors')); // true
 * isCacheableRequest(new Request('/api/authors', { method: 'POST' })); // false
 */
export function isCacheableRequest(request: Request): boolean {
  return request.method === 'GET' || request.method === 'HEAD';
}

/**
 * Django's `UpdateCacheMiddleware.process_response` rules: only a GET's 200 response is
 * stored (HEAD is answered from the GET entry by the caller), never one with `Vary: *` or
 * `Set-Cookie`, nor an opaque one unless `opts.opaque`, and never one whose `Cache-Control`
 * mentions `private`, `no-cache` or `no-store` anywhere as a word (see
 * {@link mentionsDirective}; qualified forms such as `private="Set-Cookie"` included).
 * For `site` the response's last `max-age` overrides `seconds`, and `max-age=0` or a
 * negative or malformed one (stale at once, see {@link maxAgeSeconds}) means not stored;
 * for `route` the route's `seconds` wins over `max-age`.
 *
 * @example
 * storeDecision(request, response, { kind: 'route', seconds: 600 });
 * // { store: true, seconds: 600 } or e.g. { store: false, reason: 'status 404' }
 */
export function storeDecision(
  request: Request,
  response: Response,
  rule: TimeoutRule,
  opts: StoreDecisionOptions = {},
): StoreDecision {
  if (!isCacheableRequest(request)) return skip(`method ${request.method}`);
  if (request.method === 'HEAD') return skip('HEAD response (HEAD is answered from the GET entry)');

  // An opaque response has status 0 and hides its headers, so only the opt-in can admit it.
  const opaque = response.type === 'opaque';
  if (opaque && !opts.opaque) return skip('opaque response');
  if (!opaque && response.status !== 200) return skip(`status ${response.status}`);

  // Django refuses a response that sets a cookie on a cookie-varying page; the worker rarely
  // sees Set-Cookie at all, so when it does, it refuses outright.
  if (response.headers.has('set-cookie')) return skip('Set-Cookie');

  // On the raw header, not the parsed directives: a broken quote or a missing comma would
  // hide a directive from the parser, and storing a private response is a leak.
  const cacheControl = response.headers.get('cache-control');
  for (const directive of UNCACHEABLE_DIRECTIVES) {
    if (mentionsDirective(cacheControl, directive)) return skip(`Cache-Control: ${directive}`);
  }
  if (varyHeaders(response).includes('*')) return skip('Vary: *');

  if (rule.kind === 'route') {
    // cache_page's page_timeout takes precedence over max-age, even max-age=0.
    if (rule.seconds === null) return { store: true, seconds: null };
    return rule.seconds > 0 ? { store: true, seconds: rule.seconds } : skip(`ttl ${rule.seconds}`);
  }
  const maxAge = maxAgeSeconds(response.headers);
  if (maxAge === 0) return skip(`Cache-Control: ${describeMaxAge(cacheControl)}`);
  const seconds = maxAge ?? rule.seconds;
  return seconds > 0 ? { store: true, seconds } : skip(`seconds ${seconds}`);
}

/**
 * Django's `patch_response_headers`: sets `Expires` to now + `seconds` unless present, and
 * `max-age` in `Cache-Control`, keeping the other directives. As Django's
 * `patch_cache_control`, an existing smaller `max-age` is kept (a decorator and the
 * middleware both patching take the minimum); an existing negative or malformed one counts
 * as 0, as {@link maxAgeSeconds} reads it, so it is replaced by `max-age=0`. `null` (never
 * expires) writes one year; negative or NaN seconds write 0, fractions are floored and
 * anything past 2^31 is clamped to it, so `Expires` is always a valid date. `headers` must
 * be mutable: copy a fetched response's headers.
 *
 * @example
 * const headers = new Headers(response.headers);
 * patchResponseHeaders(headers, 600, Date.now());
 * // Expires: <now + 600 s, HTTP date>, Cache-Control: max-age=600
 */
export function patchResponseHeaders(headers: Headers, seconds: number | null, now: number): void {
  const timeout = seconds === null ? ONE_YEAR_SECONDS : clampSeconds(seconds);
  const expires = new Date(now + timeout * 1000);
  // Only a broken `now` can still make an invalid date; writing "Invalid Date" would be worse
  // than leaving Expires out, since max-age below carries the same freshness.
  if (!headers.has('expires') && !Number.isNaN(expires.getTime())) headers.set('Expires', expires.toUTCString());

  let maxAge = timeout;
  const existing = maxAgeSeconds(headers);
  if (existing !== undefined) maxAge = Math.min(existing, maxAge);

  const directives = splitHeaderList(headers.get('cache-control') ?? '');
  const isMaxAge = (element: string) => /^max-age\s*(=|$)/i.test(element);
  const at = directives.findIndex(isMaxAge);
  const kept = directives.filter((element) => !isMaxAge(element));
  kept.splice(at === -1 ? kept.length : at, 0, `max-age=${maxAge}`);
  headers.set('Cache-Control', kept.join(', '));
}

/**
 * The field names of the response's `Vary` header, lowercased, trimmed and deduplicated,
 * as Django's `get_vary_headers` splits them (`*` stays `'*'`).
 *
 * @example
 * varyHeaders(new Response('', { headers: { Vary: 'Accept-Encoding, Cookie , cookie' } }));
 * // ['accept-encoding', 'cookie']
 */
export function varyHeaders(response: Response): string[] {
  const vary = response.headers.get('vary');
  if (!vary) return [];
  const names = vary
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  return [...new Set(names)];
}

function skip(reason: string): StoreDecision {
  return { store: false, reason };
}

// Whole seconds in [0, 2^31]; NaN is 0, so a caller's bad arithmetic expires at once.
function clampSeconds(seconds: number): number {
  if (Number.isNaN(seconds)) return 0;
  return Math.min(MAX_DELTA_SECONDS, Math.max(0, Math.floor(seconds)));
}

// The devtools show the value as sent, so `max-age=abc` is not reported as `max-age=0`.
function describeMaxAge(header: string | null): string {
  const value = parseCacheControl(header).get('max-age');
  const shown = typeof value === 'string' ? `max-age=${value}` : 'max-age';
  return deltaSeconds(value) === 0 ? shown : `${shown} (not delta-seconds: stale at once)`;
}
