/**
 * The `cache-storage` backend: each entry is one `Response` in the Cache Storage API
 * (`caches`), in the cache named `cachette` or `cachette:<location>`, shared by every tab
 * and the worker of the origin. The entry's facts ride in `x-cachette-*` headers (see
 * `stored-meta.ts`), so a read judges expiry before touching the body; the value is checked
 * and written by `encode-value.ts`, read back by `decode-value.ts`, under the URL
 * `entry-url.ts` names, as the response `stored-entry.ts` builds.
 *
 * Three things the platform imposes:
 * - No transactions. Every write (including `set` and `delete`, which would otherwise slip
 *   between the read and the write of an `update`) runs under one exclusive Web Lock per
 *   location, so writes are atomic across tabs and the worker wherever `navigator.locks`
 *   exists; without it they run unlocked (not atomic across contexts).
 * - No metadata updates without rewriting the body, and reads must not write. So a hit's
 *   use stamp stays in this context's memory, and culling ranks entries by the later of
 *   the stamp stored at write time and that pending one: LRU is exact within a context and
 *   approximate across contexts (another tab's hits are not seen).
 * - A deleted cache keeps working for whoever holds it. Chromium lets a `Cache` obtained
 *   before `caches.delete(name)` (devtools "Clear storage", or `clear()` in another tab)
 *   go on reading and writing an orphan nobody else sees, without an error. So no `Cache`
 *   is kept between calls: reads go through `caches.match(url, { cacheName })` and each
 *   write opens the cache afresh (`caches.open` recreates it when deleted), at the cost of
 *   one extra round trip per write.
 */
import { openStore, type Backend, type BackendStore } from '../core/backend.js';
import { isExpired, type Entry, type EntryInfo, type Store, type WritePolicy } from '../core/store.js';
import { decodeValue } from './decode-value.js';
import { encodeValue, type EncodedValue } from './encode-value.js';
import { entryUrl } from './entry-url.js';
import { PendingUses } from './pending-uses.js';
import { restampEntry, storedEntry } from './stored-entry.js';
import { readMeta, readMetaHeaders, type StoredMeta } from './stored-meta.js';

/** A stored URL and the facts its headers carry (`undefined` when they are not ours or corrupt). */
interface Listed {
  url: string;
  meta: StoredMeta | undefined;
}

/** A stored response whose headers say it is live, its body not yet read. */
interface Hit {
  response: Response;
  meta: StoredMeta;
}

/**
 * The `cache-storage` backend: entries in the Cache Storage API, shared by every tab and the
 * worker of the origin; values JSON-compatible, responses stored as they are. Needs a secure
 * origin (https or localhost); nothing is opened until the first call.
 * @example defineCaches({ default: { backend: 'idb' }, pages: { backend: cacheStorageBackend, location: 'pages' } }); // the cache 'cachette:pages'
 */
export const cacheStorageBackend: Backend = {
  name: 'cache-storage',
  capabilities: { sharing: 'origin', values: 'json', nativeResponses: true },
  open: (location) => new CacheStorageStore(location),
};

/** The `cache-storage` store for a location, as the core uses it. */
export function createCacheStorageStore(location: string): Store {
  return openStore(cacheStorageBackend, location);
}

/**
 * The Cache Storage cache name for a location (for tests and the devtools).
 * @example cacheStorageName('') // 'cachette'; cacheStorageName('pages') // 'cachette:pages'
 */
export function cacheStorageName(location: string): string {
  return location === '' ? 'cachette' : `cachette:${location}`;
}

class CacheStorageStore implements BackendStore {
  readonly location: string;
  readonly #name: string;
  readonly #lockName: string;
  /** Hits in this context not yet reflected in the stored `x-cachette-used`, and the stamps of writes. */
  readonly #uses = new PendingUses();

  constructor(location: string) {
    this.location = location;
    this.#name = cacheStorageName(location);
    this.#lockName = `cachette:cache-storage:${location}`;
  }

  async get(key: string, now: number): Promise<Entry | undefined> {
    const hit = await this.#read(key, now);
    if (!hit) return undefined;
    return this.#use(hit.meta, await decodeValue(hit.response, hit.meta.type), now);
  }

  async getMany(keys: readonly string[], now: number): Promise<Map<string, Entry>> {
    const entries = await Promise.all(keys.map((key) => this.get(key, now)));
    const found = new Map<string, Entry>();
    entries.forEach((entry, i) => {
      const key = keys[i];
      if (entry && key !== undefined) found.set(key, entry);
    });
    return found;
  }

  async set(entries: readonly Entry[], policy: WritePolicy): Promise<void> {
    // Encoded before the first await: an unstorable value throws with nothing written, and a
    // Response value is cloned while the caller still holds it unread.
    const writes = entries.map((entry) => ({ entry, encoded: encodeValue(entry.key, entry.value) }));
    if (writes.length === 0) return;
    await this.#exclusive(() =>
      this.#withCache(async (cache) => {
        const urls = await listUrls(cache);
        for (const { entry, encoded } of writes) await this.#write(cache, urls, entry, encoded, policy);
      }),
    );
  }

  async add(entry: Entry, policy: WritePolicy): Promise<boolean> {
    // Encoded now (see `set`), but an unstorable value only fails the add if the key is free,
    // as the memory backend decides.
    let encoded: EncodedValue | undefined;
    let unstorable: unknown;
    try {
      encoded = encodeValue(entry.key, entry.value);
    } catch (error) {
      unstorable = error;
    }
    return this.#exclusive(() =>
      this.#withCache(async (cache) => {
        if (await this.#read(entry.key, policy.now)) return false;
        if (!encoded) throw unstorable;
        await this.#write(cache, await listUrls(cache), entry, encoded, policy);
        return true;
      }),
    );
  }

  async delete(keys: readonly string[], now: number): Promise<string[]> {
    if (keys.length === 0) return [];
    return this.#exclusive(() =>
      this.#withCache(async (cache) => {
        const removed: string[] = [];
        for (const key of keys) {
          const live = await this.#read(key, now);
          const existed = await cache.delete(entryUrl(key));
          this.#uses.forget(key);
          if (existed && live) removed.push(key);
        }
        return removed;
      }),
    );
  }

  async touch(key: string, expires: number, now: number): Promise<boolean> {
    return this.#exclusive(() =>
      this.#withCache(async (cache) => {
        const hit = await this.#read(key, now);
        if (!hit) return false;
        // The stored use stamp is kept: a touch is not a use (as in the memory backend).
        await cache.put(...(await restampEntry(entryUrl(key), hit.response, { ...hit.meta, expires })));
        return true;
      }),
    );
  }

  async update(key: string, now: number, fn: (entry: Entry) => Entry): Promise<Entry | undefined> {
    return this.#exclusive(async () => {
      const hit = await this.#read(key, now);
      if (!hit) return undefined;
      const current = toEntry(hit.meta, await decodeValue(hit.response, hit.meta.type));
      // Outside any retry: `fn` runs once, and whatever it throws reaches the caller as is.
      const next = fn({ ...current });
      const encoded = encodeValue(key, next.value);
      const meta: StoredMeta = {
        key,
        expires: next.expires,
        tags: [...next.tags],
        size: next.size,
        used: this.#uses.stamp(now),
        stored: next.stored,
        type: encoded.type,
      };
      await this.#withCache((cache) => cache.put(...storedEntry(entryUrl(key), encoded, meta)));
      this.#uses.forget(key);
      return toEntry(meta, await decodeValue(storedEntry(entryUrl(key), encoded, meta)[1], meta.type));
    });
  }

  async move(from: string, to: string, now: number): Promise<boolean> {
    return this.#exclusive(() =>
      this.#withCache(async (cache) => {
        const hit = await this.#read(from, now);
        if (!hit) return false;
        // A fresh stamp: the memory backend puts a moved entry at the recently-used end.
        const meta = { ...hit.meta, key: to, used: this.#uses.stamp(now) };
        await cache.put(...(await restampEntry(entryUrl(to), hit.response, meta)));
        if (to !== from) await cache.delete(entryUrl(from));
        this.#uses.forget(from);
        this.#uses.forget(to);
        return true;
      }),
    );
  }

  async list(now: number): Promise<EntryInfo[]> {
    // A listing is a read, and reads never write: it must not recreate a deleted cache.
    if (!(await cacheStorage().has(this.#name))) return [];
    const listed = await this.#withCache(async (cache) => readAll(cache, await listUrls(cache)));
    const infos: EntryInfo[] = [];
    for (const { url, meta } of listed) {
      if (!isOwn(url, meta) || isExpired(meta, now)) continue;
      // This context's pending hit is newer than the stamp stored at write time.
      const { type: _type, ...info } = meta;
      infos.push({ ...info, used: this.#uses.latest(meta.key, meta.used) });
    }
    return infos;
  }

  async deleteTagged(tags: readonly string[], now: number): Promise<string[]> {
    const wanted = new Set(tags);
    if (wanted.size === 0) return [];
    // No tag index exists here: every entry's headers are read, under the lock so that no
    // write slips a newly tagged entry in between the listing and the deletes.
    return this.#exclusive(() =>
      this.#withCache(async (cache) => {
        const doomed: StoredMeta[] = [];
        for (const { url, meta } of await readAll(cache, await listUrls(cache))) {
          if (isOwn(url, meta) && meta.tags.some((tag) => wanted.has(tag))) doomed.push(meta);
        }
        const existed = await Promise.all(doomed.map((meta) => cache.delete(entryUrl(meta.key))));
        for (const meta of doomed) this.#uses.forget(meta.key);
        // Expired entries go too, but only live ones held a value worth reporting.
        return doomed.filter((meta, i) => existed[i] && !isExpired(meta, now)).map((meta) => meta.key);
      }),
    );
  }

  async clear(): Promise<void> {
    await this.#exclusive(async () => {
      await cacheStorage().delete(this.#name);
      this.#uses.clear();
    });
  }

  async close(): Promise<void> {
    // Nothing to release: no `Cache` is held between calls (see the file's comment).
  }

  /** The live stored response for `key`, headers checked and body unread; never writes. */
  async #read(key: string, now: number): Promise<Hit | undefined> {
    const url = entryUrl(key);
    const response = await cacheStorage().match(url, { cacheName: this.#name });
    if (!response) return undefined;
    const meta = response.type === 'opaque' ? await opaqueMeta(await cacheStorage().open(this.#name), url) : readMeta(response);
    // Headers that are not ours, or for another key, mean the entry is not one we can read.
    if (!meta || meta.key !== key || isExpired(meta, now)) return undefined;
    return { response, meta };
  }

  #use(meta: StoredMeta, value: unknown, now: number): Entry {
    return toEntry({ ...meta, used: this.#uses.use(meta.key, now) }, value);
  }

  /** Writes one entry, culling first when the store is full, as the memory backend's `#write`. */
  async #write(cache: Cache, urls: Set<string>, entry: Entry, encoded: EncodedValue, policy: WritePolicy): Promise<void> {
    if (urls.size >= policy.maxEntries) await this.#cull(cache, urls, policy);
    const url = entryUrl(entry.key);
    const meta: StoredMeta = {
      key: entry.key,
      expires: entry.expires,
      tags: [...entry.tags],
      size: entry.size,
      used: this.#uses.stamp(policy.now),
      stored: entry.stored,
      type: encoded.type,
    };
    await cache.put(...storedEntry(url, encoded, meta));
    urls.add(url);
    this.#uses.forget(entry.key);
  }

  /** Django's `_cull` as the memory backend does it: every expired entry, then the least recently used. */
  async #cull(cache: Cache, urls: Set<string>, { cullFrequency, now }: WritePolicy): Promise<void> {
    if (cullFrequency === 0) {
      await Promise.all([...urls].map((url) => cache.delete(url)));
      urls.clear();
      this.#uses.clear();
      return;
    }
    const target = Math.floor(urls.size / cullFrequency);
    const listed = await readAll(cache, urls);
    const doomed: string[] = [];
    const live: Array<{ url: string; key: string; used: number }> = [];
    for (const { url, meta } of listed) {
      // Unreadable entries (not ours, or corrupt) go first, with the expired ones.
      if (!meta || isExpired(meta, now)) doomed.push(url);
      else live.push({ url, key: meta.key, used: this.#uses.latest(meta.key, meta.used) });
    }
    live.sort((a, b) => a.used - b.used);
    const kept = new Set<string>();
    for (const item of live) {
      if (doomed.length < target) doomed.push(item.url);
      else kept.add(item.key);
    }
    await Promise.all(doomed.map((url) => cache.delete(url)));
    for (const url of doomed) urls.delete(url);
    // Forget pending uses of keys that are gone, culled here or deleted by another context.
    this.#uses.keepOnly(kept);
  }

  /**
   * Runs `op` with a freshly opened cache, once more with a reopened one if the platform
   * fails it with a DOMException (a cache closed or deleted under us in browsers that report
   * it). Quota errors are not retried: a second attempt cannot fit either.
   */
  async #withCache<T>(op: (cache: Cache) => Promise<T>): Promise<T> {
    try {
      return await op(await cacheStorage().open(this.#name));
    } catch (error) {
      if (!(typeof DOMException !== 'undefined' && error instanceof DOMException) || error.name === 'QuotaExceededError') {
        throw error;
      }
      return op(await cacheStorage().open(this.#name));
    }
  }

  /** Runs `op` holding this location's exclusive Web Lock, where the realm has Web Locks. */
  async #exclusive<T>(op: () => Promise<T>): Promise<T> {
    const locks = lockManager();
    if (!locks) return op();
    return await locks.request(this.#lockName, { mode: 'exclusive' }, op);
  }
}

function toEntry({ type: _type, ...facts }: StoredMeta, value: unknown): Entry {
  return { ...facts, value };
}

async function listUrls(cache: Cache): Promise<Set<string>> {
  return new Set((await cache.keys()).map((request) => request.url));
}

/** The facts stored at each URL, from the headers alone: no body is read. */
function readAll(cache: Cache, urls: Iterable<string>): Promise<Listed[]> {
  return Promise.all(
    [...urls].map(async (url) => {
      const response = await cache.match(url);
      if (!response) return { url, meta: undefined };
      return { url, meta: response.type === 'opaque' ? await opaqueMeta(cache, url) : readMeta(response) };
    }),
  );
}

/** An opaque entry's facts, from the headers of the request it was stored under. */
async function opaqueMeta(cache: Cache, url: string): Promise<StoredMeta | undefined> {
  const [request] = await cache.keys(url);
  return request ? readMetaHeaders(request.headers) : undefined;
}

/** Whether `meta` is ours and names the key stored at `url`, as `#read` requires of a hit. */
function isOwn(url: string, meta: StoredMeta | undefined): meta is StoredMeta {
  return meta !== undefined && entryUrl(meta.key) === url;
}

/** The realm's CacheStorage, read at call time (tests install a fake after import). */
function cacheStorage(): CacheStorage {
  const storage = (globalThis as { caches?: CacheStorage }).caches;
  if (!storage) {
    throw new Error(
      "cachette: the Cache Storage API is unavailable here (it needs a browser page or worker on a secure origin, https or localhost; Node has none): use the 'idb' or 'memory' backend instead",
    );
  }
  return storage;
}

function lockManager(): LockManager | undefined {
  if (typeof navigator === 'undefined') return undefined;
  return (navigator as { locks?: LockManager | null }).locks ?? undefined;
}
