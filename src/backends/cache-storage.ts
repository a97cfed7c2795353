/**
 * The `cache-storage` backend: each entry's body is one `Response` in the Cache Storage API
 * (`caches`), in the cache named `cachette` or `cachette:<location>`, and its facts (key,
 * expiry, tags, size, last use, body type) are a record in an IndexedDB index beside it,
 * `cachette:cache-storage:<location>`: the idb store, whose indexes make counting, expiry,
 * culling, tags and prefixes cost what they touch, never a listing of the Cache (Chromium
 * refuses `keys()` on a large one). Both are shared by every tab and the worker of the origin.
 *
 * - A hit is one `match` and one index `get`, side by side. An entry is both halves: a body
 *   without its record, or a record without its body (a crash between the two writes, one
 *   half cleared from the browser's devtools), is a miss, repaired in the background. An
 *   index created afresh (none existed, or it was deleted) means the Cache's bodies have no
 *   facts: the Cache is emptied.
 * - Every write runs under one exclusive Web Lock per location (where `navigator.locks`
 *   exists), bodies and records together, so writes are atomic across tabs and the worker
 *   and a repair never removes half of an entry being written.
 * - No `Cache` is kept between calls: Chromium lets a `Cache` obtained before
 *   `caches.delete(name)` go on reading and writing an orphan nobody else sees. Reads go
 *   through `caches.match(url, { cacheName })`; each write opens the cache afresh.
 * The body's `x-cachette-*` headers (`stored-meta.ts`) still carry the facts as written, so
 * a stored response reads as itself and decodes by its own type; for expiry, tags and use,
 * the index's record is what counts.
 */
import { openStore, type Backend, type BackendStore } from '../core/backend.js';
import { isExpired, type Entry, type EntryInfo, type Store, type WritePolicy } from '../core/store.js';
import { decodeValue } from './decode-value.js';
import { encodeValue, type EncodedValue } from './encode-value.js';
import { entryUrl } from './entry-url.js';
import { openIdbStore, type IdbIndex } from './idb.js';
import { restampEntry, storedEntry } from './stored-entry.js';
import { readMeta, type BodyType, type StoredMeta } from './stored-meta.js';

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

/**
 * The IndexedDB database holding a location's facts (for tests and the devtools).
 * @example cacheStorageIndexName('pages') // 'cachette:cache-storage:pages'
 */
export function cacheStorageIndexName(location: string): string {
  return `cachette:cache-storage:${location}`;
}

class CacheStorageStore implements BackendStore {
  readonly location: string;
  readonly #name: string;
  readonly #lockName: string;
  readonly #index: IdbIndex;
  /** Keys whose records a write removed and whose bodies are still to delete (under the lock). */
  readonly #doomed = new Set<string>();
  /** The index was created afresh: the Cache's bodies have no facts and must go first. */
  #orphaned = false;
  #opened: Promise<void> | undefined;
  /** The writes of this store, one after another, where the realm has no Web Locks. */
  #queue: Promise<void> = Promise.resolve();

  constructor(location: string) {
    this.location = location;
    this.#name = cacheStorageName(location);
    this.#lockName = `cachette:cache-storage:${location}`;
    this.#index = openIdbStore(cacheStorageIndexName(location), {
      onRemoved: (keys) => {
        for (const key of keys) this.#doomed.add(key);
      },
      onCreated: () => {
        this.#orphaned = true;
      },
    });
  }

  async get(key: string, now: number): Promise<Entry | undefined> {
    await this.#ready();
    return this.#read(key, now);
  }

  /** `get` once the index is open (also under the lock: it never asks for it). */
  async #read(key: string, now: number): Promise<Entry | undefined> {
    const [first, record] = await Promise.all([this.#body(key), this.#index.get(key, now)]);
    let body = first;
    let facts = record;
    if (!facts !== !body) {
      // One half without the other: a write landed between the two reads, or a half was lost.
      // Read again, the record first: a record committed means its body was put.
      facts = await this.#index.get(key, now);
      body = facts && (await this.#body(key));
    }
    if (!facts || !body) {
      // A half alone is repaired; an expired record with its body is just a miss.
      if (facts || (first && !(await this.#index.peek(key)))) this.#repairSoon(key);
      return undefined;
    }
    // Decoded as the body says it was written: a reader racing an overwrite may pair it with the older record.
    return { ...facts, value: await decodeValue(body, typeOf(body)) };
  }

  /** The stored body of `key`, if the Cache holds one (and it is that key's). */
  async #body(key: string): Promise<Response | undefined> {
    const response = await cacheStorage().match(entryUrl(key), { cacheName: this.#name });
    return response && isBodyOf(response, key) ? response : undefined;
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
    await this.#exclusive((cache) => this.#write(cache, writes, policy));
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
    return this.#exclusive(async (cache) => {
      if (await this.#live(entry.key, policy.now)) return false;
      if (!encoded) throw unstorable;
      await this.#write(cache, [{ entry, encoded }], policy);
      return true;
    });
  }

  async delete(keys: readonly string[], now: number): Promise<string[]> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return [];
    return this.#exclusive(async () => {
      const live = await Promise.all(unique.map((key) => this.#live(key, now)));
      await this.#index.delete(unique, now);
      // Bodies go whether or not a record named them (an orphan body goes too).
      for (const key of unique) this.#doomed.add(key);
      return unique.filter((_, i) => live[i]);
    });
  }

  async touch(key: string, expires: number, now: number): Promise<boolean> {
    // The record alone: the index's expiry is what counts (a touch is not a use).
    return this.#exclusive(async () => (await this.#live(key, now)) && this.#index.touch(key, expires, now));
  }

  async update(key: string, now: number, fn: (entry: Entry) => Entry): Promise<Entry | undefined> {
    let result: Entry | undefined;
    await this.#exclusive(async (cache) => {
      const current = await this.#read(key, now);
      if (!current) return;
      // Outside any retry: `fn` runs once, and whatever it throws reaches the caller as is.
      const next = fn({ ...current });
      const encoded = encodeValue(key, next.value);
      const [request, body] = storedEntry(entryUrl(key), encoded, metaOf({ ...next, key }, encoded.type));
      await cache.put(request, body.clone());
      const stored = await this.#index.update(key, now, () => ({ ...next, key, value: encoded.type }));
      if (stored) result = { ...stored, value: await decodeValue(body, encoded.type) };
    });
    return result;
  }

  async move(from: string, to: string, now: number): Promise<boolean> {
    return this.#exclusive(async (cache) => {
      const hit = await this.#read(from, now);
      const response = hit && (await cacheStorage().match(entryUrl(from), { cacheName: this.#name }));
      if (!hit || !response) return false;
      if (from === to) return true;
      await cache.put(...(await restampEntry(entryUrl(to), response, metaOf({ ...hit, key: to }, hit.value === undefined ? 'undefined' : typeOf(response)))));
      this.#doomed.delete(to);
      return this.#index.move(from, to, now);
    });
  }

  async list(now: number, limit?: number): Promise<EntryInfo[]> {
    if (!(await this.#cacheExists())) return [];
    return (await this.#index.list(now, limit)).map(({ value: _value, ...info }: EntryInfo & { value?: unknown }) => info);
  }

  async count(now: number): Promise<number> {
    return (await this.#cacheExists()) ? this.#index.count(now) : 0;
  }

  async deleteTagged(tags: readonly string[], now: number): Promise<string[]> {
    if (tags.length === 0) return [];
    return this.#exclusive(() => this.#index.deleteTagged(tags, now));
  }

  async deletePrefix(prefix: string, now: number): Promise<number> {
    return this.#exclusive(() => this.#index.deletePrefix(prefix, now));
  }

  async tags(prefix: string, now: number): Promise<string[]> {
    await this.#ready();
    return this.#index.tags(prefix, now);
  }

  async clear(): Promise<void> {
    await this.#exclusive(async () => {
      await cacheStorage().delete(this.#name);
      await this.#index.clear();
      this.#doomed.clear();
    });
  }

  async close(): Promise<void> {
    // No `Cache` is held between calls (see the file's comment); the index closes its connection.
    await this.#index.close();
    this.#opened = undefined;
  }

  /** Whether the Cache exists; if it was deleted under the index (devtools, another library), its records name nothing and go. */
  async #cacheExists(): Promise<boolean> {
    await this.#ready();
    if (await cacheStorage().has(this.#name)) return true;
    // Any record at all, live or expired: counted from the lowest expiry.
    if ((await this.#index.count(-Infinity)) > 0) await this.#exclusive(() => this.#index.clear());
    return false;
  }

  /** Whether `key` is a live entry (its record is live and its body is there), read without counting as a use. */
  async #live(key: string, now: number): Promise<boolean> {
    const [facts, response] = await Promise.all([this.#index.peek(key), cacheStorage().match(entryUrl(key), { cacheName: this.#name })]);
    return facts !== undefined && !isExpired(facts, now) && response !== undefined && isBodyOf(response, key);
  }

  /**
   * Bodies and records side by side (the index culls as Django does). An entry is read only
   * when both halves are there, so a crash between the two leaves a half that reads as a
   * miss and is repaired. Whichever half fails takes the other with it (below).
   */
  async #write(cache: Cache, writes: readonly { entry: Entry; encoded: EncodedValue }[], policy: WritePolicy): Promise<void> {
    for (const { entry } of writes) this.#doomed.delete(entry.key);
    const bodies = Promise.all(writes.map(({ entry, encoded }) => cache.put(...storedEntry(entryUrl(entry.key), encoded, metaOf(entry, encoded.type)))));
    const records = this.#index.set(
      writes.map(({ entry, encoded }) => ({ ...entry, value: encoded.type })),
      policy,
    );
    const [put, indexed] = await Promise.allSettled([bodies, records]);
    if (put.status === 'rejected') {
      // No half-written entry stays readable: a body that failed takes its record with it.
      if (indexed.status === 'fulfilled') await this.#index.delete(writes.map(({ entry }) => entry.key), policy.now);
      throw put.reason;
    }
    if (indexed.status === 'rejected') {
      // Nor a body without its record (a quota error, say): best effort, the error is what counts.
      await Promise.all(writes.map(({ entry }) => cache.delete(entryUrl(entry.key)))).catch(() => undefined);
      throw indexed.reason;
    }
  }

  /** Removes the half of an entry whose other half is gone, under the lock (fire-and-forget). */
  #repairSoon(key: string): void {
    void this.#exclusive(async (cache) => {
      const [facts, response] = await Promise.all([this.#index.peek(key), cache.match(entryUrl(key))]);
      if (facts && !response) await this.#index.delete([key], Date.now());
      if (!facts && response) await cache.delete(entryUrl(key));
    }).catch(() => {
      // A failed repair is retried by the next read that finds the same half.
    });
  }

  /**
   * Opens the index first, under the lock: an index this open created empties the Cache
   * before any context can write an entry into it (a tab and the worker starting together).
   */
  async #ready(): Promise<void> {
    await (this.#opened ??= this.#withLock(async () => {
      await this.#index.open();
      await this.#dropOrphans();
    }));
    // Recreated since (deleted from the browser's devtools while open): emptied as soon as seen.
    if (this.#orphaned) await this.#withLock(() => this.#dropOrphans());
  }

  /** Under the lock: the bodies of an index created afresh have no facts, and go (once). */
  async #dropOrphans(): Promise<void> {
    if (!this.#orphaned) return;
    this.#orphaned = false;
    await cacheStorage().delete(this.#name);
  }

  /**
   * Runs `op` with a freshly opened cache under this location's exclusive Web Lock; then
   * deletes the bodies of the records removed meanwhile (culled, deleted, invalidated).
   */
  async #exclusive<T>(op: (cache: Cache) => Promise<T>): Promise<T> {
    await this.#ready();
    return this.#withLock(async () => {
      await this.#dropOrphans();
      return this.#withCache(async (cache) => {
        const result = await op(cache);
        if (this.#doomed.size > 0) {
          const doomed = [...this.#doomed];
          this.#doomed.clear();
          await Promise.all(doomed.map((key) => cache.delete(entryUrl(key))));
        }
        return result;
      });
    });
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

  /**
   * Runs `op` holding this location's exclusive Web Lock; where the realm has no Web Locks,
   * after this store's earlier writes (atomic within the realm only).
   */
  async #withLock<T>(op: () => Promise<T>): Promise<T> {
    const locks = lockManager();
    if (locks) return await locks.request(this.#lockName, { mode: 'exclusive' }, op);
    const run = this.#queue.then(op);
    this.#queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

/** The facts a body's headers carry as written (the index's record is what counts). */
function metaOf(entry: Omit<Entry, 'value'>, type: BodyType): StoredMeta {
  return { key: entry.key, expires: entry.expires, tags: [...entry.tags], size: entry.size, used: entry.used, stored: entry.stored, type };
}

/** Whether a stored response is the body of `key`: an opaque one cannot say; others name their key in their headers. */
function isBodyOf(response: Response, key: string): boolean {
  return response.type === 'opaque' || readMeta(response)?.key === key;
}

/** The body type a stored response was written as. */
function typeOf(response: Response): BodyType {
  return response.type === 'opaque' ? 'opaque' : (readMeta(response)?.type ?? 'response');
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
