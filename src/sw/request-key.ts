/**
 * Where the worker keeps the response for a request, as Django's `learn_cache_key` /
 * `get_cache_key`, found in one storage read. A response is kept under the hash of the
 * request's values of the headers it varies on (`pageKey(prefix, url, hash)`). A request
 * that carries none of them hashes to `NO_VARY`, so the URL's own key holds the response
 * whenever it does not vary; and that key always says what the URL varies on: the response
 * there carries its `Vary` header, and when only requests with varied values have been
 * stored it holds the URL's Vary list instead. So a hit costs one read: the URL's own key,
 * or, once this worker has seen the URL's Vary list (memoised), the varied entry itself.
 * Only the first hit of a varied entry after the worker starts reads the URL's own key first.
 *
 * A response that varies on `Cookie` or `Authorization` is keyed by that session, read
 * through the worker's `cookieStore`; when the session cannot be read, there is no key at
 * all, so the response is neither stored nor served.
 */
import type { Cache } from '../core/cache.js';
import { pageKey, VARY_LIST_TAG } from '../core/entry-vocabulary.js';
import { md5Hex } from '../core/md5.js';
import { varyHeaders } from './cacheability.js';
import { takeFreshness, type Freshness } from './freshness.js';
import { fromStorable, type RestoredResponse } from './stored-response.js';

/** The cookie store of a worker (Chromium has it; elsewhere it may be missing). */
interface CookieStoreLike {
  getAll(options?: { url: string }): Promise<{ name: string; value: string }[]>;
}

/** The hash of no varied values (`md5Hex('')`): the key of a response without Vary, or of a request without the varied headers. */
export const NO_VARY = 'd41d8cd98f00b204e9800998ecf8427e';

/**
 * What a lookup found: nothing, a stored response (with its freshness facts, whose header
 * the response no longer carries), or a value that is not one (to remove).
 */
export type Lookup = undefined | { key: string; restored: RestoredResponse; freshness: Freshness } | { key: string; corrupt: true };

/** What a URL's own key holds when no response for it without varied values is stored. */
interface VaryList {
  vary: string[];
}

/** The Vary lists of URLs whose responses vary, per alias, prefix and URL: saves reading the URL's own key. */
const varyLists = new Map<string, string[]>();

/**
 * The stored response for `request` (a HEAD gets the GET entry, bodiless), kept under `url`
 * (default: the request's; a route's `ignoreParams` make it another). Whether it is still
 * fresh is the caller's to judge, from `freshness`.
 * @example const found = await lookUp(getCache(), '', request); if (found && 'restored' in found) return found.restored.response;
 */
export async function lookUp(cache: Cache, keyPrefix: string, request: Request, url = request.url): Promise<Lookup> {
  const { method } = request;
  const known = varyLists.get(memoKey(cache, keyPrefix, url));
  if (known) {
    const hash = await varyHash(request, known);
    if (hash === undefined) return undefined;
    if (hash !== NO_VARY) return read(cache, pageKey(keyPrefix, url, hash), method);
  }
  const ownKey = pageKey(keyPrefix, url, NO_VARY);
  const entry = await cache.getEntry(ownKey);
  if (entry?.value === undefined) return undefined;
  const list = asVaryList(entry.value);
  const restored = list ? undefined : fromStorable(entry, method);
  if (!list && !restored) return { key: ownKey, corrupt: true };
  const vary = list?.vary ?? varyHeaders((restored as RestoredResponse).response);
  remember(cache, keyPrefix, url, vary);
  const hash = vary.length === 0 ? NO_VARY : await varyHash(request, vary);
  if (hash === undefined) return undefined;
  if (hash === NO_VARY) return restored ? found(ownKey, restored, entry.expires) : undefined;
  return read(cache, pageKey(keyPrefix, url, hash), method);
}

/**
 * The stored response under `key` (as `lookUp` found it), read again: a revalidation that
 * answered 304 needs the body of an entry a HEAD or a stale answer already used.
 * @example const again = await readKey(cache, found.key);
 */
export function readKey(cache: Cache, key: string, method = 'GET'): Promise<Lookup> {
  return read(cache, key, method);
}

/** How `keep` stores one response. */
export interface KeepOptions {
  /** The header names the response varies on, and the hash of the request's values of them. */
  vary: readonly string[];
  hash: string;
  seconds: number | null;
  tags: string[];
}

/**
 * Stores `value` (a response as `toStorable` made it) for `url`; where it varies and the
 * request carried varied values, also leaves the URL's Vary list under the URL's own key,
 * unless the response there already carries it. Resolves to the key the response went under.
 * @example await keep(cache, '', url, value, { vary: ['accept-language'], hash, seconds: 600, tags });
 */
export async function keep(cache: Cache, keyPrefix: string, url: string, value: unknown, { vary, hash, seconds, tags }: KeepOptions): Promise<string> {
  const key = pageKey(keyPrefix, url, hash);
  await cache.set(key, value, seconds, { tags });
  remember(cache, keyPrefix, url, vary);
  if (hash === NO_VARY) return key;
  const ownKey = pageKey(keyPrefix, url, NO_VARY);
  const own = (await cache.getEntry(ownKey))?.value;
  const carried = own === undefined ? undefined : (asVaryList(own)?.vary ?? varyOfStored(own));
  if (carried?.join() !== vary.join()) {
    const list: VaryList = { vary: [...vary] };
    await cache.set(ownKey, list, seconds, { tags: [...tags, VARY_LIST_TAG] });
  }
  return key;
}

/** Forgets every memoised Vary list (after an invalidation: the stored ones may be gone). */
export function forgetVaryLists(): void {
  varyLists.clear();
}

/**
 * The hash of the request's values of `headers` (`NO_VARY` when it carries none of them),
 * or `undefined` when a session header (`cookie`) cannot be read in this worker.
 * @example await varyHash(event.request, ['accept-language']) // 'd41d8…'
 */
export async function varyHash(
  request: Request,
  headers: readonly string[],
  cookies: CookieStoreLike | null = cookieStore() ?? null,
): Promise<string | undefined> {
  if (headers.length === 0) return NO_VARY;
  let text = '';
  for (const name of headers) {
    let value: string | null;
    if (name === 'cookie') {
      // Page requests never show their Cookie header to the worker: read the jar instead.
      if (!cookies) return undefined;
      const jar = await readJar(cookies, request.url);
      value = jar
        .map((c) => `${c.name}=${c.value}`)
        .sort()
        .join('; ');
    } else {
      value = request.headers.get(name);
    }
    if (value !== null) text += `${name}:${value}\n`;
  }
  return text === '' ? NO_VARY : md5Hex(text);
}

async function read(cache: Cache, key: string, method: string): Promise<Lookup> {
  const entry = await cache.getEntry(key);
  if (entry?.value === undefined) return undefined;
  const restored = fromStorable(entry, method);
  return restored ? found(key, restored, entry.expires) : { key, corrupt: true };
}

function found(key: string, restored: RestoredResponse, expires: number): Lookup {
  // An opaque response's headers are immutable, and it never carries the facts.
  const freshness = restored.response.type === 'opaque' ? { freshUntil: expires, staleWhileRevalidate: 0, staleIfError: 0 } : takeFreshness(restored.response.headers, expires);
  return { key, restored, freshness };
}

function remember(cache: Cache, keyPrefix: string, url: string, vary: readonly string[]): void {
  if (vary.length) varyLists.set(memoKey(cache, keyPrefix, url), [...vary]);
  else varyLists.delete(memoKey(cache, keyPrefix, url));
}

function memoKey(cache: Cache, keyPrefix: string, url: string): string {
  return `${cache.alias}\u0000${keyPrefix}\u0000${url}`;
}

function asVaryList(value: unknown): VaryList | undefined {
  if (typeof value !== 'object' || value === null || value instanceof Response) return undefined;
  const { vary } = value as Partial<VaryList>;
  return Array.isArray(vary) && vary.every((h) => typeof h === 'string') ? { vary } : undefined;
}

function varyOfStored(value: unknown): string[] | undefined {
  const restored = fromStorable({ value }, 'HEAD');
  return restored && varyHeaders(restored.response);
}

/**
 * The cookies a request to `url` would carry. Chromium 156 rejects a `url` below the
 * scope ("URL must be within Service Worker scope") although the spec allows it; then the
 * scope's own cookies are read, which are the session cookies (`Path=/`) in practice.
 */
async function readJar(cookies: CookieStoreLike, url: string): Promise<{ name: string; value: string }[]> {
  try {
    return await cookies.getAll({ url });
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return cookies.getAll();
  }
}

function cookieStore(): CookieStoreLike | undefined {
  const candidate = (globalThis as { cookieStore?: CookieStoreLike }).cookieStore;
  return candidate && typeof candidate.getAll === 'function' ? candidate : undefined;
}
