/** Parsed `Cache-Control` directives: lowercased name → unquoted value, or `true` when valueless. */
export type CacheControlDirectives = Map<string, string | true>;

/**
 * The largest delta-seconds this cache keeps (2^31, about 68 years). RFC 9111 §1.2.2 lets a
 * cache read any larger value as 2^31; clamping here keeps every `Date` built from it valid.
 */
export const MAX_DELTA_SECONDS = 2147483648;

/**
 * Parses a `Cache-Control` header into its directives. Names are lowercased, a value that is
 * one whole quoted string is unquoted (`no-cache="Set-Cookie, X-Foo"` keeps its comma; a
 * broken one such as `"6"0` or `"60` is kept raw, so it reads as malformed), empty elements
 * and garbage without a name are skipped, and of duplicate directives the last wins, as
 * Django's `get_max_age` and `patch_cache_control` read the header into a dict.
 *
 * @example
 * parseCacheControl('Public, max-age=60, no-cache="Set-Cookie", max-age=5');
 * // Map { 'public' => true, 'max-age' => '5', 'no-cache' => 'Set-Cookie' }
 */
export function parseCacheControl(header: string | null): CacheControlDirectives {
  const directives: CacheControlDirectives = new Map();
  if (!header) return directives;
  for (const element of splitHeaderList(header)) {
    const eq = element.indexOf('=');
    const name = (eq === -1 ? element : element.slice(0, eq)).trim().toLowerCase();
    if (name === '') continue;
    directives.set(name, eq === -1 ? true : unquote(element.slice(eq + 1).trim()));
  }
  return directives;
}

/**
 * The response's `max-age` in seconds, as Django's `get_max_age` reads it (the last one
 * wins), but with RFC 9111's reading of bad values: a present `max-age` that is not
 * delta-seconds (negative, empty, valueless, fractional, `abc`) is 0, "stale at once"
 * (§4.2.1), where Django would fall back to the default timeout. The quoted form
 * `max-age="60"` is accepted (§5.2: a recipient may). Values past 2^31 are clamped to
 * {@link MAX_DELTA_SECONDS} (§1.2.2). `undefined` only when there is no `max-age`.
 * `s-maxage` addresses shared caches, and this private cache ignores it.
 *
 * @example
 * maxAgeSeconds(new Headers({ 'Cache-Control': 'public, max-age=30' })); // 30
 * maxAgeSeconds(new Headers({ 'Cache-Control': 'max-age=-1' })); // 0
 * maxAgeSeconds(new Headers({ 'Cache-Control': 's-maxage=30' })); // undefined
 */
export function maxAgeSeconds(headers: Headers): number | undefined {
  const value = parseCacheControl(headers.get('cache-control')).get('max-age');
  if (value === undefined) return undefined;
  return deltaSeconds(value) ?? 0;
}

/**
 * A directive's value read as RFC 9111 delta-seconds (digits only, clamped to
 * {@link MAX_DELTA_SECONDS}), else `undefined`. Callers decide what a bad value means.
 *
 * @example
 * deltaSeconds(parseCacheControl('stale-if-error=60').get('stale-if-error')); // 60
 * deltaSeconds('1.5'); // undefined
 */
export function deltaSeconds(value: string | true | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  return Math.min(Number(value), MAX_DELTA_SECONDS);
}

/**
 * Whether `name` occurs in the raw header as a whole word, case-insensitively: anywhere,
 * even inside a quoted string, after a broken one (`foo="bar, no-store`) or without a comma
 * (`max-age=60 no-store`). Only letters, digits and `_` continue a word, so `no-cache-ish`
 * and `x-private-foo` count and `noprivate` does not. Django's `UpdateCacheMiddleware` tests
 * `"private" in header` the same loose way: for the directives that forbid storage, a false
 * hit only costs a cache miss, while a parser that misses one leaks a private response.
 *
 * @example
 * mentionsDirective('max-age=60, foo="bar, No-Store', 'no-store'); // true
 * mentionsDirective('public, no-transform', 'no-store'); // false
 */
export function mentionsDirective(header: string | null, name: string): boolean {
  if (!header || name === '') return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[^A-Za-z0-9_])${escaped}(?![A-Za-z0-9_])`, 'i').test(header);
}

/**
 * Internal: splits a comma-separated header into its trimmed, non-empty elements, leaving
 * commas inside quoted strings alone.
 *
 * @example
 * splitHeaderList('a, b="x, y",, c'); // ['a', 'b="x, y"', 'c']
 */
export function splitHeaderList(header: string): string[] {
  const elements: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const char = header[i]!;
    if (quoted && char === '\\' && i + 1 < header.length) {
      current += char + header[++i]!;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === ',' && !quoted) {
      pushTrimmed(elements, current);
      current = '';
    } else {
      current += char;
    }
  }
  pushTrimmed(elements, current);
  return elements;
}

function pushTrimmed(elements: string[], element: string): void {
  const trimmed = element.trim();
  if (trimmed !== '') elements.push(trimmed);
}

// RFC 9110 quoted-string: backslash escapes the next character. Only a value that is exactly
// one quoted string is unquoted; an unterminated one, or one with text after its closing
// quote, is kept raw so that a number inside it (`max-age="60`) reads as malformed rather
// than as a guess. The directive itself still counts: `no-cache="Set-Cookie` refuses storage.
function unquote(value: string): string {
  if (!value.startsWith('"')) return value;
  let result = '';
  for (let i = 1; i < value.length; i++) {
    const char = value[i]!;
    if (char === '"') return i === value.length - 1 ? result : value;
    result += char === '\\' && i + 1 < value.length ? value[++i]! : char;
  }
  return value;
}
