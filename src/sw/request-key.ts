/**
 * Cache keys for requests, as Django's `learn_cache_key` / `get_cache_key`: the response's
 * `Vary` header names are learnt per URL (stored in the cache, and memoised in the
 * worker), and the page key hashes the request's values of those headers. A response that
 * varies on `Cookie` or `Authorization` is keyed by that session, read through the
 * worker's `cookieStore`; when the session cannot be read, there is no key at all, so the
 * response is neither stored nor served.
 */
import type { Cache } from '../core/cache.js';
import { headerListKey } from '../core/entry-vocabulary.js';
import { md5Hex } from '../core/md5.js';

/** The cookie store of a worker (Chromium has it; elsewhere it may be missing). */
interface CookieStoreLike {
  getAll(options?: { url: string }): Promise<{ name: string; value: string }[]>;
}

/** Learnt header lists, per alias, prefix and URL: saves a storage read on every hit. */
const learnt = new Map<string, string[]>();

/**
 * The header names the stored response for `url` varies on, or `undefined` when nothing
 * was learnt (a miss without reading the page entry).
 * @example const names = await learntHeaders(getCache(), '', 'https://app/api/authors');
 */
export async function learntHeaders(cache: Cache, keyPrefix: string, url: string): Promise<string[] | undefined> {
  const memoKey = `${cache.alias}\u0000${keyPrefix}\u0000${url}`;
  const memo = learnt.get(memoKey);
  if (memo) return memo;
  const stored = await cache.get(headerListKey(keyPrefix, url));
  if (!Array.isArray(stored) || !stored.every((h) => typeof h === 'string')) return undefined;
  learnt.set(memoKey, stored);
  return stored;
}

/**
 * Stores the header list learnt from a response, for as long as the response itself.
 * @example await learnHeaders(cache, '', url, ['accept-language'], 600, tags);
 */
export async function learnHeaders(
  cache: Cache,
  keyPrefix: string,
  url: string,
  headers: string[],
  seconds: number | null,
  tags: string[],
): Promise<void> {
  learnt.set(`${cache.alias}\u0000${keyPrefix}\u0000${url}`, headers);
  await cache.set(headerListKey(keyPrefix, url), headers, seconds, { tags });
}

/** Forgets every memoised header list (after an invalidation: the stored lists may be gone). */
export function forgetLearntHeaders(): void {
  learnt.clear();
}

/**
 * The hash of the request's values of `headers`, or `undefined` when a session header
 * (`cookie`) cannot be read in this worker.
 * @example await varyHash(event.request, ['accept-language']) // 'd41d8…'
 */
export async function varyHash(
  request: Request,
  headers: readonly string[],
  cookies: CookieStoreLike | null = cookieStore() ?? null,
): Promise<string | undefined> {
  if (headers.length === 0) return EMPTY_VARY_HASH;
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
  return md5Hex(text);
}

/** The hash of no varied values: the key of a response without Vary. */
export const EMPTY_VARY_HASH = md5Hex('');

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
