/**
 * The `idb` backend, as Django's DatabaseCache over IndexedDB: one database per location,
 * shared by every tab and the worker of the origin. Each record is a whole `Entry`; the
 * `expires` and `used` indexes make expiry and culling cost what they remove, and `tags`
 * (multiEntry) serves `invalidate({ tags })`.
 *
 * Every write keeps the number of records in `meta` (IndexedDB's `count()` walks the whole
 * store), checked against a real count only when it says the store is full, before a cull.
 *
 * Reads never write: a hit's new LRU stamp waits in memory and rides along with the next
 * write transaction (or a flush ~2 s later), so the hit path stays one readonly request.
 * A record that is not a whole entry (see `entryShapeProblem`) is absent: reported once, and
 * removed at the end of the next write (a read that finds one starts that write itself).
 */
import type { IDBPIndex } from 'idb';
import { entryShapeProblem, isEntryShaped } from '../core/entry-shape.js';
import { UnstorableValueError } from '../core/errors.js';
import { reportError } from '../core/report.js';
import { openStore, type Backend, type BackendStore } from '../core/backend.js';
import { isExpired, type Entry, type EntryInfo, type Store, type WritePolicy } from '../core/store.js';
import { COUNT, errorName, handled, IdbConnection, inTransaction, META, STORE, type CacheDb, type WriteStore, type WriteTx } from './idb-connection.js';
import { PendingUses } from './pending-uses.js';

type ExpiresIndex = IDBPIndex<CacheDb, ['entries'], 'entries', 'expires', 'readonly'>;

/** How long a hit's LRU stamp may wait in memory when no write comes along to carry it. */
const USE_FLUSH_DELAY_MS = 2000;

/**
 * The `idb` backend: entries in IndexedDB, shared by every tab and the worker of the origin.
 * Nothing is opened until the first call.
 * @example defineCaches({ default: { backend: idbBackend, location: 'articles' } }); // database 'cachette:articles'
 */
export const idbBackend: Backend = {
  name: 'idb',
  capabilities: { sharing: 'origin' },
  open: (location) => new IdbStore(location),
};

/**
 * The `idb` store for a location, as the core uses it (tests, the devtools).
 * @example await createIdbStore('articles').get(':1:top', Date.now()); // undefined
 */
export function createIdbStore(location: string): Store {
  return openStore(idbBackend, location);
}

/**
 * The IndexedDB database name for a location (for tests and the devtools).
 * @example idbDatabaseName('') // 'cachette'; idbDatabaseName('api') // 'cachette:api'
 */
export function idbDatabaseName(location: string): string {
  return location === '' ? 'cachette' : `cachette:${location}`;
}

/** What a store built on the idb store (the `cache-storage` index) hears from it. */
export interface IdbStoreHooks {
  /** The keys whose records a committed write removed (culled, deleted, invalidated). */
  onRemoved?: (keys: string[]) => void;
  /** The database was just created: none existed, or it was deleted since. */
  onCreated?: () => void;
}

/**
 * An idb store over the database `databaseName`, with hooks: the `cache-storage` backend
 * keeps its entries' facts in one (its bodies stay in Cache Storage).
 * @example const index = openIdbStore('cachette:cache-storage:pages', { onRemoved: (keys) => dropBodies(keys) });
 */
export function openIdbStore(databaseName: string, hooks: IdbStoreHooks = {}): IdbIndex {
  return new IdbStore(databaseName, databaseName, hooks);
}

/** The idb store as another backend builds on it. */
export interface IdbIndex extends Required<Omit<BackendStore, 'add' | 'getMany'>>, Pick<BackendStore, 'add'> {
  /** Opens the database (creating it if needed: `onCreated` runs first). */
  open(): Promise<void>;
  /** The entry's record under `key`, expired or not, read without counting as a use (a malformed one is reported, and `undefined`). */
  peek(key: string): Promise<Entry | undefined>;
}

class IdbStore implements BackendStore, IdbIndex {
  readonly location: string;
  readonly #name: string;
  readonly #hooks: IdbStoreHooks;
  /** Hits not yet written, and the stamps of writes. */
  readonly #uses = new PendingUses();
  /** Keys of malformed records found (and reported) and not yet removed by a write. */
  readonly #malformed = new Set<IDBValidKey>();
  readonly #connection: IdbConnection;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #purging = false;

  constructor(location: string, databaseName = idbDatabaseName(location), hooks: IdbStoreHooks = {}) {
    this.location = location;
    this.#name = databaseName;
    this.#hooks = hooks;
    this.#connection = new IdbConnection(this.#name, hooks.onCreated);
  }

  async get(key: string, now: number): Promise<Entry | undefined> {
    const entry = this.#readOnly(await this.#connection.run((db) => db.get(STORE, key)), key);
    // An expired entry is left for the next cull: deleting it here would put a write on the read path.
    if (!entry || isExpired(entry, now)) return undefined;
    entry.used = this.#use(key, now);
    return entry;
  }

  async open(): Promise<void> {
    await this.#connection.run(async () => undefined);
  }

  async peek(key: string): Promise<Entry | undefined> {
    return this.#readOnly(await this.#connection.run((db) => db.get(STORE, key)), key);
  }

  async getMany(keys: readonly string[], now: number): Promise<Map<string, Entry>> {
    const found = new Map<string, Entry>();
    if (keys.length === 0) return found;
    const records = await this.#connection.run(async (db) => {
      const tx = db.transaction(STORE, 'readonly');
      const [results] = await Promise.all([Promise.all(keys.map((key) => tx.store.get(key))), tx.done]);
      return results;
    });
    for (const [i, key] of keys.entries()) {
      const entry = this.#readOnly(records[i], key);
      if (!entry || isExpired(entry, now)) continue;
      entry.used = this.#use(key, now);
      found.set(key, entry);
    }
    return found;
  }

  async set(entries: readonly Entry[], policy: WritePolicy): Promise<void> {
    if (entries.length === 0) return;
    // Which keys already hold a record (overwriting one does not grow the store), asked in the write's first round trip.
    const probe = entries.map((entry) => entry.key);
    await this.#write(async (store, count, held) => {
      const present = new Set<IDBValidKey>(entries.filter((_, i) => held[i]! > 0).map((entry) => entry.key));
      const puts: Promise<unknown>[] = [];
      for (const entry of entries) {
        if (count.value >= policy.maxEntries) {
          for (const key of await this.#cullIfFull(store, count, policy)) present.delete(key);
        }
        puts.push(handled(putEntry(store, { ...entry, used: this.#uses.stamp(policy.now) })));
        count.wrote(entry.key);
        if (!present.has(entry.key)) {
          present.add(entry.key);
          count.add(1);
        }
      }
      await Promise.all(puts);
    }, probe);
  }

  async add(entry: Entry, policy: WritePolicy): Promise<boolean> {
    return this.#write(async (store, count) => {
      const record = await store.get(entry.key);
      const existing = this.#checked(record, entry.key);
      if (existing && !isExpired(existing, policy.now)) return false;
      // As memory.ts: an expired (or malformed) holder of the key is gone before the store is counted.
      if (record !== undefined) {
        await store.delete(entry.key);
        count.add(-1);
      }
      if (count.value >= policy.maxEntries) await this.#cullIfFull(store, count, policy);
      await putEntry(store, { ...entry, used: this.#uses.stamp(policy.now) });
      count.add(1);
      count.wrote(entry.key);
      return true;
    });
  }

  async delete(keys: readonly string[], now: number): Promise<string[]> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return [];
    return this.#write(async (store, count) => {
      const found = await Promise.all(unique.map((key) => store.get(key)));
      const held = unique.filter((_, i) => found[i] !== undefined);
      await Promise.all(held.map((key) => store.delete(key)));
      count.add(-held.length);
      count.gone(held);
      return unique.filter((key, i) => isLive(this.#checked(found[i], key), now));
    });
  }

  async touch(key: string, expires: number, now: number): Promise<boolean> {
    return this.#write(async (store) => {
      const entry = this.#checked(await store.get(key), key);
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
      const entry = this.#checked(await store.get(key), key);
      if (!entry || isExpired(entry, now)) return undefined;
      const next = fn({ ...entry }); // a throw aborts the transaction (see inTransaction)
      const stored: Entry = { ...next, key, used: this.#uses.stamp(now) };
      await putEntry(store, stored);
      return stored;
    });
  }

  async move(from: string, to: string, now: number): Promise<boolean> {
    return this.#write(async (store, count) => {
      const entry = this.#checked(await store.get(from), from);
      if (!entry || isExpired(entry, now)) return false;
      if (from === to) return true;
      const replaced = (await store.count(to)) > 0;
      await store.delete(from);
      await store.put({ ...entry, key: to });
      if (replaced) count.add(-1);
      count.gone([from]);
      count.wrote(to);
      return true;
    });
  }

  async list(now: number, limit = Infinity): Promise<EntryInfo[]> {
    const listed = await this.#connection.run(async (db) => {
      const tx = db.transaction(STORE, 'readonly');
      const check = (record: unknown, key: IDBValidKey): Entry | undefined => this.#readOnly(record, key);
      const [infos] = await Promise.all([liveInfos(tx.store.index('expires'), now, check, limit), tx.done]);
      return infos;
    });
    // A hit not yet written is this context's newest knowledge of the entry's last use.
    for (const info of listed) info.used = this.#uses.latest(info.key, info.used);
    return listed;
  }

  async deleteTagged(tags: readonly string[], now: number): Promise<string[]> {
    const unique = [...new Set(tags)];
    if (unique.length === 0) return [];
    return this.#write(async (store, count) => {
      // The multiEntry index finds exactly the tagged entries: the cost is what is removed.
      const tagged = await Promise.all(unique.map((tag) => store.index('tags').getAllKeys(tag)));
      const keys = [...new Set(tagged.flat())];
      // Read before deleting only to tell live entries (reported) from expired ones (removed silently).
      const found = await Promise.all(keys.map((key) => store.get(key)));
      await Promise.all(keys.map((key) => store.delete(key)));
      count.add(-keys.length);
      count.gone(keys);
      // A key whose record passed the check is the record's string `key`.
      return keys.filter((key, i): key is string => isLive(this.#checked(found[i], key), now));
    });
  }

  async deletePrefix(prefix: string, _now: number): Promise<number> {
    const range = prefixRange(prefix);
    return this.#write(async (store, count) => {
      // One key range: the cost is what is removed (the keys are read, never the values).
      const keys = await store.getAllKeys(range);
      await (range ? store.delete(range) : store.clear());
      count.add(-keys.length);
      count.gone(keys);
      return keys.length;
    });
  }

  async count(now: number): Promise<number> {
    return this.#connection.run(async (db) => {
      const tx = db.transaction([STORE, META], 'readonly');
      // The kept count less the expired records (a cull's garbage, few): counting the live
      // ones instead walks the whole index in Chromium (0.3-0.8 s at 100k records).
      const [kept, expired] = await Promise.all([tx.objectStore(META).get(COUNT), tx.objectStore(STORE).index('expires').count(IDBKeyRange.upperBound(now)), tx.done]);
      if (typeof kept === 'number' && Number.isInteger(kept) && kept >= expired) return kept - expired;
      // No kept count (a database an older version wrote, meta cleared by hand): counted live.
      return db.countFromIndex(STORE, 'expires', IDBKeyRange.lowerBound(now, true));
    });
  }

  async tags(prefix: string, _now: number): Promise<string[]> {
    return this.#connection.run(async (db) => {
      const found: string[] = [];
      // The tags index's distinct keys in the range: no value is read.
      let cursor = await db.transaction(STORE).store.index('tags').openKeyCursor(prefixRange(prefix), 'nextunique');
      while (cursor) {
        found.push(String(cursor.key));
        cursor = await cursor.continue();
      }
      return found;
    });
  }

  async clear(): Promise<void> {
    // Clearing the object store, not deleting the database: other tabs keep their connections.
    await this.#connection.run(async (db) => {
      const tx = db.transaction([STORE, META], 'readwrite');
      await Promise.all([tx.objectStore(STORE).clear(), tx.objectStore(META).put(0, COUNT), tx.done]);
    });
    this.#uses.clear();
    this.#malformed.clear();
  }

  async close(): Promise<void> {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    // Pending uses stay in memory: the next write after a reopen carries them.
    await this.#connection.close();
  }

  /**
   * `record` as the entry under `key`, or `undefined` when it is absent or malformed. A
   * malformed one is reported once and left to the end of the current or next write, which
   * re-reads it: by then another context may have written a whole entry there.
   */
  #checked(record: unknown, key: IDBValidKey): Entry | undefined {
    if (record === undefined || isEntryShaped(record, key)) return record;
    if (this.#malformed.has(key)) return undefined;
    this.#malformed.add(key);
    const shown = typeof key === 'string' ? `'${key}'` : String(key);
    reportError(
      new TypeError(
        `cachette: the record under key ${shown} in the idb store '${this.#name}' is not a cache entry ` +
          `(${entryShapeProblem(record, key)}); it is read as a miss and removed`,
      ),
      `reading key ${shown} from the idb store '${this.#name}'`,
    );
    return undefined;
  }

  /** `#checked` outside a write: deleting is a write, so a malformed record gets one of its own. */
  #readOnly(record: unknown, key: IDBValidKey): Entry | undefined {
    const entry = this.#checked(record, key);
    if (!entry && record !== undefined) this.#purgeSoon();
    return entry;
  }

  /**
   * Called when the kept count says the store is full: counts it for real (the kept count is
   * only ever off by records this backend did not write: another library, a corrupt
   * profile), and culls if it is full; resolves to the keys removed. The real count walks
   * the store, but only once per cull, which removes a third of it by default.
   */
  async #cullIfFull(store: WriteStore, count: StoreCount, policy: WritePolicy): Promise<IDBValidKey[]> {
    count.set(await store.count());
    if (count.value < policy.maxEntries) return [];
    const removed = await this.#cull(store, count.value, policy);
    count.add(-removed.length);
    count.gone(removed);
    return removed;
  }

  /** The module's `cull`, with the malformed records it removed reported in one report. */
  async #cull(store: WriteStore, count: number, policy: WritePolicy): Promise<IDBValidKey[]> {
    const malformed: string[] = [];
    const removed = await cull(store, count, policy, (key, problem) => malformed.push(`${String(key)}: ${problem}`));
    if (malformed.length > 0) {
      const shown = malformed.slice(0, 3).join('; ') + (malformed.length > 3 ? `; and ${malformed.length - 3} more` : '');
      reportError(
        new TypeError(`cachette: culling the idb store '${this.#name}' removes ${malformed.length} records that are not cache entries (${shown})`),
        `culling the idb store '${this.#name}'`,
      );
    }
    return removed;
  }

  /** Records a hit's use in memory only; returns its stamp. */
  #use(key: string, now: number): number {
    const stamp = this.#uses.use(key, now);
    this.#scheduleFlush();
    return stamp;
  }

  /**
   * Runs `body` in one readwrite transaction, between writing the pending uses and removing
   * the malformed records found so far, in the same transaction (so culling sees the uses,
   * and an abort keeps both pending).
   */
  /** A write transaction: `body` gets the store, the kept count and, for each key of `probe`, how many records it holds (0 or 1). */
  #write<T>(body: (store: WriteStore, count: StoreCount, held: number[]) => Promise<T>, probe: readonly string[] = []): Promise<T> {
    return this.#connection.run(async (db) => {
      // A cache may lose its last writes on power loss: 'relaxed' lets the browser skip the
      // flush to disk it would otherwise make before reporting each write complete.
      const tx: WriteTx = db.transaction([STORE, META], 'readwrite', { durability: 'relaxed' });
      let flushed = new Map<string, number>();
      let purged: IDBValidKey[] = [];
      let removed: string[] = [];
      const result = await inTransaction(tx, async (store) => {
        // The uses first: what this write carries is what was known when it began. Requests
        // not awaited one by one: each await is a round trip to the database.
        const meta = tx.objectStore(META);
        const [uses, kept, held] = await Promise.all([this.#flushUses(store), meta.get(COUNT), Promise.all(probe.map((key) => store.count(key)))]);
        flushed = uses;
        // Missing or not a count (meta cleared by hand): counted once, then kept again.
        const count = new StoreCount(typeof kept === 'number' && Number.isInteger(kept) && kept >= 0 ? kept : await store.count());
        if (kept !== count.value) count.changed = true;
        const done = await body(store, count, held);
        const gone = await this.#purgeMalformed(store);
        purged = gone.keys;
        count.add(-gone.removed.length);
        count.gone(gone.removed);
        // Not awaited: the transaction's completion (awaited by inTransaction) includes it, and a failure aborts it.
        if (count.changed) handled(meta.put(count.value, COUNT));
        removed = count.removed();
        return done;
      });
      if (removed.length > 0) this.#hooks.onRemoved?.(removed);
      for (const key of purged) this.#malformed.delete(key);
      this.#uses.written(flushed);
      return result;
    });
  }

  /** Writes pending use stamps of entries that still exist; returns what it wrote from. */
  async #flushUses(store: WriteStore): Promise<Map<string, number>> {
    const batch = this.#uses.snapshot();
    if (batch.size === 0) return batch;
    const keys = [...batch.keys()];
    const records = await Promise.all(keys.map((key) => store.get(key)));
    for (const [i, key] of keys.entries()) {
      const entry = this.#checked(records[i], key);
      const stamp = batch.get(key);
      // Another context may have used or rewritten the entry since: never move `used` back.
      // Not awaited (a round trip saved): requests run in order, so the write's own requests
      // see these, and the transaction's completion includes them (a failure aborts it).
      if (entry && stamp !== undefined && stamp > entry.used) handled(store.put({ ...entry, used: stamp }));
    }
    return batch;
  }

  /** Deletes the records `#checked` found malformed; returns the keys it dealt with and how many it removed. */
  async #purgeMalformed(store: WriteStore): Promise<{ keys: IDBValidKey[]; removed: IDBValidKey[] }> {
    const keys = [...this.#malformed];
    if (keys.length === 0) return { keys, removed: [] };
    const records = await Promise.all(keys.map((key) => store.get(key)));
    // Another context may have written a whole entry under the key since: that one stays.
    const gone = keys.filter((key, i) => records[i] !== undefined && !isEntryShaped(records[i], key));
    await Promise.all(gone.map((key) => store.delete(key)));
    return { keys, removed: gone };
  }

  /** Removes what a read found malformed, in a write of its own (fire-and-forget). */
  #purgeSoon(): void {
    if (this.#purging) return;
    this.#purging = true;
    void this.#flushInBackground().finally(() => {
      this.#purging = false;
    });
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

  /** Writes what waits in memory: LRU stamps, and the removal of malformed records. */
  async #flushInBackground(): Promise<void> {
    // Only over a live connection: reopening here would recreate a database someone just
    // deleted. What waits stays in memory for the next write.
    if (!this.#connection.isOpen || (this.#uses.size === 0 && this.#malformed.size === 0)) return;
    try {
      await this.#write(async () => undefined);
    } catch (error) {
      reportError(error, `flushing LRU stamps and removing malformed records in the idb store '${this.#name}'`);
    }
  }
}

/**
 * `put`, turning the synchronous DataCloneError (a function inside the value, say) into an
 * UnstorableValueError. Per spec that throw does not abort the transaction; the caller's
 * `inTransaction` does, so culls made earlier in it roll back.
 */
function putEntry(store: WriteStore, entry: Entry): Promise<IDBValidKey> {
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
 * Django's `_cull` inside the write transaction: malformed records first, then expired
 * entries, then the least recently used; resolves to the number removed. Requests run in
 * order, so each query sees what the previous step deleted gone.
 */
async function cull(
  store: WriteStore,
  count: number,
  { cullFrequency, now }: WritePolicy,
  onMalformed: (key: IDBValidKey, problem: string) => void,
): Promise<IDBValidKey[]> {
  if (cullFrequency === 0) {
    const all = await store.getAllKeys();
    await store.clear();
    return all;
  }
  const target = Math.floor(count / cullFrequency);
  // A record whose `used` is missing or not a finite number is outside the LRU order or
  // after all of it, so culling would never reach it while `count()` keeps counting it.
  // Counting the index reads no values; the walk that does runs only when they differ.
  const ordered = await store.index('used').count(IDBKeyRange.bound(-Infinity, Infinity, true, true));
  const malformed = ordered < count ? await deleteMalformed(store, onMalformed) : [];
  const expired = await store.index('expires').getAllKeys(IDBKeyRange.upperBound(now));
  const removed = [...malformed, ...expired];
  const deletions = expired.map((key) => handled(store.delete(key)));
  const missing = target - malformed.length - expired.length;
  if (missing > 0) {
    // getAllKeys on an index yields primary keys in index order: least recently used first.
    const oldest = await store.index('used').getAllKeys(null, missing);
    for (const key of oldest) {
      deletions.push(handled(store.delete(key)));
      removed.push(key);
    }
  }
  await Promise.all(deletions);
  return removed;
}

/** Deletes every record that is not a whole entry, walking the whole store; resolves to their keys. */
async function deleteMalformed(store: WriteStore, onMalformed: (key: IDBValidKey, problem: string) => void): Promise<IDBValidKey[]> {
  const deletions: Promise<unknown>[] = [];
  const keys: IDBValidKey[] = [];
  let cursor = await store.openCursor();
  while (cursor) {
    const problem = entryShapeProblem(cursor.value, cursor.primaryKey);
    if (problem !== undefined) {
      deletions.push(handled(cursor.delete()));
      keys.push(cursor.primaryKey);
      onMalformed(cursor.primaryKey, problem);
    }
    cursor = await cursor.continue();
  }
  await Promise.all(deletions);
  return keys;
}

/** The number of records in the entries' store, as a write transaction keeps it, and the keys it removed. */
class StoreCount {
  value: number;
  changed = false;
  /** Each key the transaction touched, and whether its record is gone at the end. */
  readonly #fate = new Map<IDBValidKey, boolean>();

  constructor(value: number) {
    this.value = value;
  }

  /** Records of `keys` were deleted. */
  gone(keys: Iterable<IDBValidKey>): void {
    for (const key of keys) this.#fate.set(key, true);
  }

  /** A record was written under `key` (after any deletion of it in this transaction). */
  wrote(key: IDBValidKey): void {
    this.#fate.set(key, false);
  }

  /** The string keys whose records this transaction removed for good. */
  removed(): string[] {
    const keys: string[] = [];
    for (const [key, isGone] of this.#fate) if (isGone && typeof key === 'string') keys.push(key);
    return keys;
  }

  add(delta: number): void {
    if (delta === 0) return;
    // Never below zero: a record another library wrote was never counted.
    this.value = Math.max(0, this.value + delta);
    this.changed = true;
  }

  set(value: number): void {
    if (value === this.value) return;
    this.value = value;
    this.changed = true;
  }
}

/**
 * The keys starting with `prefix`, as an IndexedDB key range: from `prefix` up to (not
 * including) the first string past all of them, `prefix` with its last code unit raised.
 * @example prefixRange('a:1:') // IDBKeyRange.bound('a:1:', 'a:1;', false, true)
 */
function prefixRange(prefix: string): IDBKeyRange | undefined {
  let end = prefix;
  // A last code unit of 0xFFFF cannot be raised: the range ends past the shorter prefix instead.
  while (end.length > 0 && end.charCodeAt(end.length - 1) === 0xffff) end = end.slice(0, -1);
  if (end.length === 0) return prefix.length === 0 ? undefined : IDBKeyRange.lowerBound(prefix);
  return IDBKeyRange.bound(prefix, end.slice(0, -1) + String.fromCharCode(end.charCodeAt(end.length - 1) + 1), false, true);
}

/** Every entry live at `now`, without its value, in expiry order; `check` drops malformed records. */
async function liveInfos(index: ExpiresIndex, now: number, check: (record: unknown, key: IDBValidKey) => Entry | undefined, limit: number): Promise<EntryInfo[]> {
  if (limit <= 0) return [];
  // One request for the page (a cursor costs a round trip per record). IndexedDB has no
  // projection, so values are read, but walking the `expires` index above `now` never
  // reads an expired entry, nor more than `limit`. The store's keyPath is `key`.
  const records = await index.getAll(IDBKeyRange.lowerBound(now, true), Number.isFinite(limit) ? limit : undefined);
  const infos: EntryInfo[] = [];
  for (const record of records) {
    const entry = check(record, (record as { key?: IDBValidKey }).key ?? '');
    if (entry) {
      const { value: _value, ...info } = entry;
      infos.push(info);
    }
  }
  return infos;
}

/** Whether a record read for deletion held a live entry. */
function isLive(entry: Entry | undefined, now: number): boolean {
  return entry !== undefined && !isExpired(entry, now);
}
