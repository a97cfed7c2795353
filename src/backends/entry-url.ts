/**
 * Where the `cache-storage` backend keeps an entry: a synthetic request URL per stored key,
 * one-to-one, so `cache.match(entryUrl(key))` finds exactly that key's response.
 */

/** A fixed fake origin: the URLs only name entries, so they must parse the same in any realm. */
const ORIGIN = 'https://cachette.invalid/';

/**
 * The synthetic request URL an entry is stored under: `https://cachette.invalid/` and the
 * percent-encoded key.
 * @example entryUrl(':1:a b') // 'https://cachette.invalid/%3A1%3Aa%20b'
 */
export function entryUrl(storedKey: string): string {
  // Serialized by the URL parser, so it equals the `url` of the requests `cache.keys()` returns.
  return new URL(ORIGIN + encodeKeySegment(storedKey)).href;
}

/**
 * `encodeURIComponent`, plus `%uXXXX` for what it cannot express (lone surrogates) and for
 * keys a URL parser would rewrite: a path segment of `.` or `..` (even as `%2E`) is
 * resolved away, so those keys would collide with ''. `encodeURIComponent` never emits
 * `%u`, so the encoding stays one-to-one.
 */
function encodeKeySegment(key: string): string {
  if (/^\.{1,2}$/.test(key)) return '%u002E'.repeat(key.length);
  try {
    return encodeURIComponent(key);
  } catch {
    let out = '';
    for (const char of key) {
      const code = char.charCodeAt(0);
      out += char.length === 1 && code >= 0xd800 && code <= 0xdfff ? `%u${code.toString(16).toUpperCase()}` : encodeURIComponent(char);
    }
    return out;
  }
}
