/** Parsed `Cache-Control` directives: lowercased name → unquoted value, or `true` when valueless. */
export type CacheControlDirectives = Map<string, string | true>;

/**
 * Parses a `Cache-Control` header into its directives. Names are lowercased, quoted values
 * unquoted (`no-cache="Set-Cookie, X-Foo"` keeps its comma), empty elements and garbage
 * without a name are skipped, and of duplicate directives the first wins.
 *
 * @example
 * parseCacheControl('Public, max-age=60, no-cache="Set-Cookie"');
 * // Map { 'public' => true, 'max-age' => '60', 'no-cache' => 'Set-Cookie' }
 */
export function parseCacheControl(header: string | null): CacheControlDirectives {
  const directives: CacheControlDirectives = new Map();
  if (!header) return directives;
  for (const element of splitHeaderList(header)) {
    const eq = element.indexOf('=');
    const name = (eq === -1 ? element : element.slice(0, eq)).trim().toLowerCase();
    if (name === '' || directives.has(name)) continue;
    directives.set(name, eq === -1 ? true : unquote(element.slice(eq + 1).trim()));
  }
  return directives;
}

/**
 * The response's `max-age` in seconds, as Django's `get_max_age` reads it: a non-negative
 * integer, else `undefined` (absent, valueless or malformed). `s-maxage` addresses shared
 * caches, and this private cache ignores it.
 *
 * @example
 * maxAgeSeconds(new Headers({ 'Cache-Control': 'public, max-age=30' })); // 30
 * maxAgeSeconds(new Headers({ 'Cache-Control': 's-maxage=30' })); // undefined
 */
export function maxAgeSeconds(headers: Headers): number | undefined {
  const value = parseCacheControl(headers.get('cache-control')).get('max-age');
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  return Number(value);
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

// RFC 9110 quoted-string: backslash escapes the next character. An unterminated quote is
// read to the end rather than rejected (tolerance over strictness: the header is advisory).
function unquote(value: string): string {
  if (!value.startsWith('"')) return value;
  let result = '';
  for (let i = 1; i < value.length; i++) {
    const char = value[i]!;
    if (char === '"') break;
    result += char === '\\' && i + 1 < value.length ? value[++i]! : char;
  }
  return result;
}
