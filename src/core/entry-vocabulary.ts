/**
 * The names Cachette gives what it stores for itself, and how to read them back: the
 * worker's keys (a response, a URL's learnt Vary list) and the tags that tie an entry to a
 * URL, a route, a session or a fragment's vary-on value. The worker writes them; the core's
 * invalidation and the devtools panel read them, from here, so a prefix changes in one place.
 */

const URL_TAG_PREFIX = 'cachette:url:';
const ROUTE_TAG_PREFIX = 'cachette:route:';
const VARY_TAG_PREFIX = 'cachette:vary:';
const PAGE_KEY_PREFIX = 'cachette.sw.page.';
const HEADER_LIST_KEY_PREFIX = 'cachette.sw.headers.';

/** Every worker entry keyed by a session (its response varies on `Cookie` or `Authorization`). */
export const SESSION_TAG = 'cachette:session';

/**
 * The tag every worker entry for `url` carries, so `invalidate({ routes })` finds entries by URL pattern.
 * @example urlTag('https://app.test/api/authors/1') // 'cachette:url:https://app.test/api/authors/1'
 */
export function urlTag(url: string): string {
  return URL_TAG_PREFIX + url;
}

/**
 * The tag every entry stored through a route carries, so the route's entries can be found.
 * @example invalidate({ tags: [routeTag('route:1.0:/api/*')] })
 */
export function routeTag(routeId: string): string {
  return ROUTE_TAG_PREFIX + routeId;
}

/**
 * The tag `cacheFragment` gives a fragment for each of its vary-on values.
 * @example varyTag('alice') // 'cachette:vary:alice'
 */
export function varyTag(value: unknown): string {
  return VARY_TAG_PREFIX + String(value);
}

/**
 * The key under which the worker keeps the response for `url` with those varied values.
 * @example pageKey('', 'https://app.test/api/authors', varyHash)
 */
export function pageKey(keyPrefix: string, url: string, varyHash: string): string {
  return `${PAGE_KEY_PREFIX}${keyPrefix}.GET.${url}.${varyHash}`;
}

/**
 * The key under which the worker keeps the Vary header names learnt for `url`.
 * @example headerListKey('', 'https://app.test/api/authors')
 */
export function headerListKey(keyPrefix: string, url: string): string {
  return `${HEADER_LIST_KEY_PREFIX}${keyPrefix}.${url}`;
}

/** What Cachette's own tags say of an entry. */
export interface EntryTags {
  /** The URL of a worker entry. */
  url?: string;
  /** The id of the route that stored it. */
  routeId?: string;
  /** Every other tag: the caller's, the session's, a fragment's vary-on values. */
  rest: string[];
}

/**
 * Reads an entry's tags (values from storage: anything not a string is skipped).
 * @example parseTags(entry.tags).url
 */
export function parseTags(tags: readonly unknown[]): EntryTags {
  const parsed: EntryTags = { rest: [] };
  for (const tag of tags) {
    if (typeof tag !== 'string') continue;
    if (tag.startsWith(URL_TAG_PREFIX)) parsed.url ??= tag.slice(URL_TAG_PREFIX.length);
    else if (tag.startsWith(ROUTE_TAG_PREFIX)) parsed.routeId ??= tag.slice(ROUTE_TAG_PREFIX.length);
    else parsed.rest.push(tag);
  }
  return parsed;
}

/**
 * The URL a tag names, or `undefined` when it is not a URL tag.
 * @example urlOfTag(urlTag(request.url)) // request.url
 */
export function urlOfTag(tag: string): string | undefined {
  return tag.startsWith(URL_TAG_PREFIX) ? tag.slice(URL_TAG_PREFIX.length) : undefined;
}

/**
 * Whether a caller's key (the stored key without prefix and version) is a URL's learnt Vary list.
 * @example isHeaderListKey(headerListKey('', url)) // true
 */
export function isHeaderListKey(key: string): boolean {
  return key.startsWith(HEADER_LIST_KEY_PREFIX);
}
