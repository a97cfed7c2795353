/**
 * The `idb` backend, as Django's DatabaseCache over IndexedDB: one database per location,
 * shared by every tab and the worker of the origin. Each record is a whole `Entry`; the
 * `expires` and `used` indexes make expiry and culling cost what they remove, and `tags`
 * (multiEntry) serves `invalidate({ tags })`.
 *
 * Reads never write: a hit's new LRU stamp waits in memory and rides along with the next
 * write transaction (or a flush ~2 s later), so the hit path stays one readonly request.
 */
import type { IDBPIndex, IDBPObjectStore, IDBPTransaction } from 'idb';
import { UseStamps } from '../core/clock.js';
import { UnstorableValueError } from '../core/errors.js';
import { reportError } from '../core/report.js';
import { isExpired, type Entry, type EntryInfo, type Store, type StoreFactory, type WritePolicy } from '../core/store.js';
import { errorName, IdbConnection, STORE, type CacheDb } from './idb-connection.js';

type WriteTx = IDBPTransaction<CacheDb, ['entries'], 'readwrite'>;
type WriteStore = IDBPObjectStore<CacheDb, ['entries'], 'entries', 'readwrite'>;
type ExpiresIndex = IDBPIndex<CacheDb, ['entries'], 'entries', 'expires', 'readonly'>;

/** How long a hit's LRU stamp may wait in memory when no write comes along to carry it. */
const USE_FLUSH_DELAY_MS = 2000;

/**
 * A store keeping entries in IndexedDB, shared by every tab and the worker of the origin.
 * Nothing is opened until the first call.
 * @example
 * const store = createIdbStore('articles'); // database 'cachette:articles'
 * await store.get(':1:top', Date.now()); // undefined
 */
export const createIdbStore: StoreFactory = (location) => new IdbStore(location);

/**
 * The IndexedDB database name for a location (for tests and the devtools).
 * @example idbDatabaseName('') // 'cachette'; idbDatabaseName('api') // 'cachette:api'
 */
export function idbDatabaseName(location: string): string {
  return location === '' ? 'cachette' : `cachette:${location}`;
}

class IdbStore implements Store {
  readonly backend = 'idb';
  readonly capabilities = { sharing: 'origin', atomicUpdate: true, persistent: true } as const;
  readonly location: string;
  readonly #name: string;
  readonly #stamps = new UseStamps();
  /** Hits not yet written: stored key → its newest use stamp. */
  readonly #pendingUses = new Map<string, number>();
  readonly #connection: IdbConnection;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(location: string) {
    this.location = location;
    this.#name = idbDatabaseName(location);
    this.#connection = new IdbConnection(this.#name);
  }

  async get(key: string, now: number): Promise<Entry | undefined> {
    const entry = await this.#connection.run((db) => db.get(STORE, key));
    // An expired entry is left for the next cull: deleting it here would put a write on the read path.
    if (!entry || isExpired(entry, now)) return undefined;
    entry.used = this.#use(key, now);
    return entry;
  }

  async getMany(keys: readonly string[], now: number): Promise<Map<string, Entry>> {
    const found = new Map<string, Entry>();
    if (keys.length === 0) return found;
    const entries = await this.#connection.run(async (db) => {
      const tx = db.transaction(STORE, 'readonly');
      const [results] = await Promise.all([Promise.all(keys.map((key) => tx.store.get(key))), tx.done]);
      return results;
    });
    for (const entry of entries) {
      if (!entry || isExpired(entry, now)) continue;
      entry.used = this.#use(entry.key, now);
      found.set(entry.key, entry);
    }
    return found;
  }

  async set(entries: readonly Entry[], policy: WritePolicy): Promise<void> {
    if (entries.length === 0) return;
    await this.#write(async (store) => {
      let count = await store.count();
      let exact = true;
      const puts: Promise<unknown>[] = [];
      for (const entry of entries) {
        // `count` only grows while we put, so it is an upper bound (an overwrite does not grow
        // the store); recount only when that bound says the store may be full.
        if (count >= policy.maxEntries && !exact) count = await store.count();
        if (count >= policy.maxEntries) count -= await cull(store, count, policy);
        puts.push(handled(putEntry(store, { ...entry, used: this.#stamps.next(policy.now) })));
        count += 1;
        exact = false;
      }
      await Promise.all(puts);
    });
  }

  async add(entry: Entry, policy: WritePolicy): Promise<boolean> {
    return this.#write(async (store) => {
      const existing = await store.get(entry.key);
      if (existing && !isExpired(existing, policy.now)) return false;
      // As memory.ts: an expired holder of the key is gone before the store is counted.
      if (existing) await store.delete(entry.key);
      const count = await store.count();
      if (count >= policy.maxEntries) await cull(store, count, policy);
      await putEntry(store, { ...entry, used: this.#stamps.next(policy.now) });
      return true;
    });
  }

  async delete(keys: readonly string[], now: number): Promise<string[]> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return [];
    return this.#write(async (store) => {
      const found = await Promise.all(unique.map((key) => store.get(key)));
      const present = found.filter((entry): entry is Entry => entry !== undefined);
      await Promise.all(present.map((entry) => store.delete(entry.key)));
      return present.filter((entry) => !isExpired(entry, now)).map((entry) => entry.key);
    });
  }

  async touch(key: string, expires: number, now: number): Promise<boolean> {
    return this.#write(async (store) => {
      const entry = await store.get(key);
      if (!entry || isExpired(entry, now)) return false;
      // A new expiry is not a use: `used` stays as it was.
      await store.put({ ...entry, expires });
      return true;
    });
  }

  async update(key: string, now: number, fn: (entry: Entry) => Entry): Promise<Entry | undefined> {
    // One readwrite transaction holds the record from read to write, so concurrent updates
    // from other tabs and the worker queue behind it. `fn` is synchronous: awaiting anything
    // but an IDB request here would let the transaction auto-commit.
    return this.#write(async (store) => {
      const entry = await store.get(key);
      if (!entry || isExpired(entry, now)) return undefined;
      const next = fn({ ...entry }); // a throw aborts the transaction (see inTransaction)
      const stored: Entry = { ...next, key, used: this.#stamps.next(now) };
      await putEntry(store, stored);
      return stored;
    });
  }

  async move(from: string, to: string, now: number): Promise<boolean> {
    return this.#write(async (store) => {
      const entry = await store.get(from);
      if (!entry || isExpired(entry, now)) return false;
      if (from === to) return true;
      await store.delete(from);
      await store.put({ ...entry, key: to });
      return true;
    });
  }

  async list(now: number): Promise<EntryInfo[]> {
    const listed = await this.#connection.run(async (db) => {
      const tx = db.transaction(STORE, 'readonly');
      const [infos] = await Promise.all([liveInfos(tx.store.index('expires'), now), tx.done]);
      return infos;
    });
    for (const info of listed) {
      // A hit not yet written is this context's newest knowledge of the entry's last use.
      const pending = this.#pendingUses.get(info.key);
      if (pending !== undefined && pending > info.used) info.used = pending;
    }
    return listed;
  }

  async deleteTagged(tags: readonly string[], now: number): Promise<string[]> {
    const unique = [...new Set(tags)];
    if (unique.length === 0) return [];
    return this.#write(async (store) => {
      // The multiEntry index finds exactly the tagged entries: the cost is what is removed.
      const tagged = await Promise.all(unique.map((tag) => store.index('tags').getAllKeys(tag)));
      const keys = [...new Set(tagged.flat())];
      // Read before deleting only to tell live entries (reported) from expired ones (removed silently).
      const found = await Promise.all(keys.map((key) => store.get(key)));
      await Promise.all(keys.map((key) => store.delete(key)));
      return found.filter((entry): entry is Entry => entry !== undefined && !isExpired(entry, now)).map((entry) => entry.key);
    });
  }

  async clear(): Promise<void> {
    // Clearing the object store, not deleting the database: other tabs keep their connections.
    await this.#connection.run((db) => db.clear(STORE));
    this.#pendingUses.clear();
  }

  async close(): Promise<void> {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    // Pending uses stay in memory: the next write after a reopen carries them.
    await this.#connection.close();
  }

  /** Records a hit's use in memory only; returns its stamp. */
  #use(key: string, now: number): number {
    const stamp = this.#stamps.next(now);
    this.#pendingUses.set(key, stamp);
    this.#scheduleFlush();
    return stamp;
  }

  /**
   * Runs `body` in one readwrite transaction, after writing the pending uses in the same
   * transaction (so culling sees them, and an abort keeps them pending).
   */
  #write<T>(body: (store: WriteStore) => Promise<T>): Promise<T> {
    return this.#connection.run(async (db) => {
      // A cache may lose its last writes on power loss: 'relaxed' lets the browser skip the
      // flush to disk it would otherwise make before reporting each write complete.
      const tx = db.transaction(STORE, 'readwrite', { durability: 'relaxed' });
      let flushed = new Map<string, number>();
      const result = await inTransaction(tx, async (store) => {
        flushed = await this.#flushUses(store);
        return body(store);
      });
      for (const [key, stamp] of flushed) {
        if (this.#pendingUses.get(key) === stamp) this.#pendingUses.delete(key);
      }
      return result;
    });
  }

  /** Writes pending use stamps of entries that still exist; returns what it wrote from. */
  async #flushUses(store: WriteStore): Promise<Map<string, number>> {
    const batch = new Map(this.#pendingUses);
    if (batch.size === 0) return batch;
    const keys = [...batch.keys()];
    const entries = await Promise.all(keys.map((key) => store.get(key)));
    const puts: Promise<unknown>[] = [];
    for (const entry of entries) {
      const stamp = entry && batch.get(entry.key);
      // Another context may have used or rewritten the entry since: never move `used` back.
      if (entry && stamp !== undefined && stamp > entry.used) puts.push(store.put({ ...entry, used: stamp }));
    }
    await Promise.all(puts);
    return batch;
  }

  /** At most ~2 s after the first unflushed hit (not debounced, so steady reads still flush). */
  #scheduleFlush(): void {
    if (this.#flushTimer !== undefined) return;
    const timer: unknown = (this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      void this.#flushInBackground(); // fire-and-forget: errors are reported inside
    }, USE_FLUSH_DELAY_MS));
    // In Node (tests, server rendering) a pending LRU flush must not keep the process alive.
    if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') timer.unref();
  }

  async #flushInBackground(): Promise<void> {
    // Only over a live connection: reopening here would recreate a database someone just deleted.
    if (!this.#connection.isOpen || this.#pendingUses.size === 0) return;
    try {
      await this.#write(async () => undefined);
    } catch (error) {
      reportError(error, `flushing LRU stamps of the idb store '${this.#name}'`);
    }
  }
}

/**
 * Runs `body` against `store` inside `tx`: resolves once the transaction committed; if
 * `body` throws, aborts the transaction (undoing its writes) and rethrows that error.
 * Every request and `tx.done` is awaited or handled, so nothing rejects unhandled.
 */
async function inTransaction<T>(tx: WriteTx, body: (store: WriteStore) => Promise<T>): Promise<T> {
  try {
    const result = await body(tx.store);
    await tx.done;
    return result;
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already committed or aborting (a failed request aborts it): nothing left to undo.
    }
    await tx.done.catch(() => undefined);
    throw error;
  }
}

/**
 * `put`, turning the synchronous DataCloneError (a function inside the value, say) into an
 * UnstorableValueError. Per spec that throw does not abort the transaction; the caller's
 * `inTransaction` does, so culls made earlier in it roll back.
 */
function putEntry(store: WriteStore, entry: Entry): Promise<string> {
  try {
    return store.put(entry);
  } catch (error) {
    const name = errorName(error);
    if (name === 'InvalidStateError' || name === 'TransactionInactiveError') throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new UnstorableValueError(entry.key, `values must be structured-clonable (${message})`, { cause: error });
  }
}

/**
 * Django's `_cull` inside the write transaction, expired entries first; resolves to the
 * number removed. Requests run in order, so the LRU query sees the expired ones gone.
 */
async function cull(store: WriteStore, count: number, { cullFrequency, now }: WritePolicy): Promise<number> {
  if (cullFrequency === 0) {
    await store.clear();
    return count;
  }
  const target = Math.floor(count / cullFrequency);
  const expired = await store.index('expires').getAllKeys(IDBKeyRange.upperBound(now));
  const deletions = expired.map((key) => handled(store.delete(key)));
  const missing = target - expired.length;
  if (missing > 0) {
    // getAllKeys on an index yields primary keys in index order: least recently used first.
    const oldest = await store.index('used').getAllKeys(null, missing);
    for (const key of oldest) deletions.push(handled(store.delete(key)));
  }
  await Promise.all(deletions);
  return deletions.length;
}

/** Every entry live at `now`, without its value, in expiry order. */
async function liveInfos(index: ExpiresIndex, now: number): Promise<EntryInfo[]> {
  const infos: EntryInfo[] = [];
  // A cursor still reads each value (IndexedDB has no projection), but walking the
  // `expires` index above `now` never reads an expired entry at all.
  let cursor = await index.openCursor(IDBKeyRange.lowerBound(now, true));
  while (cursor) {
    const { value: _value, ...info } = cursor.value;
    infos.push(info);
    cursor = await cursor.continue();
  }
  return infos;
}

/** Marks a request's rejection as handled now; it is still awaited (and thrown) later. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
