/**
 * The names Cachette gives what it stores for itself, and how to read them back: the
 * worker's keys (responses, and a URL's Vary list) and the tags that tie an entry to a
 * URL, a route, a session or a fragment's vary-on value. The worker writes them; the core's
 * invalidation and the devtools panel read them, from here, so a prefix changes in one place.
 */

/** What every URL tag starts with (`urlTag`). */
export const URL_TAG_PREFIX = 'cachette:url:';
const ROUTE_TAG_PREFIX = 'cachette:route:';
const VARY_TAG_PREFIX = 'cachette:vary:';
const FRESH_TAG_PREFIX = 'cachette:fresh-until:';
const PAGE_KEY_PREFIX = 'cachette.sw.page.';
/** Versions before the one-read hit kept each URL's Vary list under its own key; such entries linger until they expire. */
const LEGACY_VARY_LIST_KEY_PREFIX = 'cachette.sw.headers.';

/** The tag of a URL's Vary list, kept under the URL's own key when no response is (see src/sw/request-key.ts). */
export const VARY_LIST_TAG = 'cachette:vary-list';

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
 * The tag of a worker entry kept past its freshness (to be served stale or revalidated):
 * when it stops being fresh, in ms since the epoch, for the devtools' "time left" (the
 * entry's own expiry is then later, or never).
 * @example freshTag(Date.now() + 60_000) // 'cachette:fresh-until:1795…'
 */
export function freshTag(freshUntil: number): string {
  return FRESH_TAG_PREFIX + String(Math.round(freshUntil));
}

/**
 * The tag `cacheFragment` gives a fragment for each of its vary-on values.
 * @example varyTag('alice') // 'cachette:vary:alice'
 */
export function varyTag(value: unknown): string {
  return VARY_TAG_PREFIX + String(value);
}

/**
 * The key under which the worker keeps the response for `url` with those varied values
 * (`NO_VARY`: the URL's own key).
 * @example pageKey('', 'https://app.test/api/authors', varyHash)
 */
export function pageKey(keyPrefix: string, url: string, varyHash: string): string {
  return `${PAGE_KEY_PREFIX}${keyPrefix}.GET.${url}.${varyHash}`;
}

/** What Cachette's own tags say of an entry. */
export interface EntryTags {
  /** The URL of a worker entry. */
  url?: string;
  /** The id of the route that stored it. */
  routeId?: string;
  /** Whether it is a URL's Vary list rather than a response. */
  varyList: boolean;
  /** When a worker entry kept past its freshness stops being fresh (ms since the epoch). */
  freshUntil?: number;
  /** Every other tag: the caller's, the session's, a fragment's vary-on values. */
  rest: string[];
}

/**
 * Reads an entry's tags (values from storage: anything not a string is skipped).
 * @example parseTags(entry.tags).url
 */
export function parseTags(tags: readonly unknown[]): EntryTags {
  const parsed: EntryTags = { varyList: false, rest: [] };
  for (const tag of tags) {
    if (typeof tag !== 'string') continue;
    if (tag.startsWith(URL_TAG_PREFIX)) parsed.url ??= tag.slice(URL_TAG_PREFIX.length);
    else if (tag.startsWith(ROUTE_TAG_PREFIX)) parsed.routeId ??= tag.slice(ROUTE_TAG_PREFIX.length);
    else if (tag === VARY_LIST_TAG) parsed.varyList = true;
    else if (tag.startsWith(FRESH_TAG_PREFIX) && Number.isFinite(Number(tag.slice(FRESH_TAG_PREFIX.length)))) parsed.freshUntil ??= Number(tag.slice(FRESH_TAG_PREFIX.length));
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
 * Whether a caller's key (the stored key without prefix and version) is a Vary list an
 * earlier version left under a key of its own (`cachette.sw.headers.<prefix>.<url>`).
 * @example isLegacyVaryListKey('cachette.sw.headers..https://app.test/x') // true
 */
export function isLegacyVaryListKey(key: string): boolean {
  return key.startsWith(LEGACY_VARY_LIST_KEY_PREFIX);
}
