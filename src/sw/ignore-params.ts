/**
 * `ignoreParams`: query parameters left out of a route's cache key (`utm_source`, `fbclid`,
 * any `/^utm_/`), so URLs that differ only by them share one entry. The same URL is used to
 * read, to write and to tag the entry (so invalidation by URL sees it too); the request sent
 * to the network keeps every parameter.
 */

/** A parameter name matched exactly, or a RegExp tested against the (decoded) name. */
export type IgnoredParam = string | RegExp;

/**
 * `url` without the ignored query parameters. The other parameters are kept byte for byte,
 * in order; a URL with nothing to drop is returned as is.
 * @example cacheUrl('https://app.test/a?utm_source=x&page=2', [/^utm_/]) // 'https://app.test/a?page=2'
 */
export function cacheUrl(url: string, ignored: readonly IgnoredParam[]): string {
  if (ignored.length === 0) return url;
  const query = url.indexOf('?');
  if (query === -1) return url;
  const hash = url.indexOf('#', query);
  const end = hash === -1 ? url.length : hash;
  const parts = url.slice(query + 1, end).split('&');
  const kept = parts.filter((part) => !isIgnored(paramName(part), ignored));
  if (kept.length === parts.length) return url;
  const search = kept.filter((part) => part !== '').join('&');
  return url.slice(0, query) + (search ? `?${search}` : '') + url.slice(end);
}

function isIgnored(name: string, ignored: readonly IgnoredParam[]): boolean {
  return ignored.some((pattern) => {
    if (typeof pattern === 'string') return pattern === name;
    // A global or sticky RegExp remembers where it stopped: test each name from its start.
    pattern.lastIndex = 0;
    return pattern.test(name);
  });
}

// As URLSearchParams decodes a name: '+' is a space, then percent-decoding (kept raw when malformed).
function paramName(part: string): string {
  const eq = part.indexOf('=');
  const raw = (eq === -1 ? part : part.slice(0, eq)).replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
