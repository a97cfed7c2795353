/**
 * The `idb` backend's connection to one location's database: the schema it opens, stepping
 * aside when another context needs the database, the retry-once runner that reopens after a
 * connection was closed under a call, and the rules a write transaction runs by. Nothing is
 * opened until the first `run`.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPObjectStore, type IDBPTransaction } from 'idb';

/**
 * The database layout: one object store of whole entries, keyed by the stored key. Records
 * are typed `unknown` because an older version or a corrupt profile may have written
 * anything there: each read goes through `entryShapeProblem` before it is an `Entry`.
 */
export interface CacheDb extends DBSchema {
  entries: {
    key: IDBValidKey;
    value: unknown;
    indexes: { expires: number; used: number; tags: string };
  };
  /** Facts about the store kept beside it: `count`, the number of records in `entries`. */
  meta: {
    key: string;
    value: unknown;
  };
}

/** An open connection to a location's database. */
export type Db = IDBPDatabase<CacheDb>;
/** A readwrite transaction over the entries and their count, and the entries' store. */
export type WriteTx = IDBPTransaction<CacheDb, ['entries', 'meta'], 'readwrite'>;
export type WriteStore = IDBPObjectStore<CacheDb, ['entries', 'meta'], 'entries', 'readwrite'>;

/** The entries' object store. */
export const STORE = 'entries';
/** The store of facts kept beside the entries, and the key of their count there. */
export const META = 'meta';
export const COUNT = 'count';
/**
 * 1: the entries and their indexes. 2: `meta`, with the entries' count, kept by every write
 * in its own transaction (IndexedDB's `count()` walks the whole store).
 */
const SCHEMA_VERSION = 2;

/**
 * A reopening connection to one database, shared by every call of one store.
 * @example
 * const connection = new IdbConnection('cachette:articles');
 * const entry = await connection.run((db) => db.get(STORE, ':1:top'));
 */
export class IdbConnection {
  readonly #name: string;
  /** Connections that were closed (by us, a version change or the browser): never reuse. */
  readonly #closed = new WeakSet<Db>();
  #opening: Promise<Db> | undefined;
  #db: Db | undefined;

  readonly #onCreated: (() => void) | undefined;

  /** `onCreated` runs after an open that created the database (none existed, or it was deleted). */
  constructor(name: string, onCreated?: () => void) {
    this.#name = name;
    this.#onCreated = onCreated;
  }

  /** Whether a connection is open now; asking opens nothing. */
  get isOpen(): boolean {
    return this.#db !== undefined;
  }

  /**
   * Runs `work` on the connection; if it fails because the connection was closed under it
   * (a version change, devtools "Clear storage", `close()` racing a call), reopens and
   * retries once. Transactions are atomic, so a failed attempt wrote nothing.
   */
  async run<T>(work: (db: Db) => Promise<T>): Promise<T> {
    const db = await this.#connect();
    try {
      return await work(db);
    } catch (error) {
      if (!this.#closed.has(db) && errorName(error) !== 'InvalidStateError') throw error;
      this.#drop(db);
      return work(await this.#connect());
    }
  }

  /** Closes the connection (or the one being opened); the next `run` reopens. */
  async close(): Promise<void> {
    const opening = this.#opening;
    this.#forget();
    const db = await opening?.catch(() => undefined);
    if (db) this.#release(db);
  }

  #connect(): Promise<Db> {
    if (this.#opening) return this.#opening;
    if (typeof indexedDB === 'undefined') {
      return Promise.reject(
        new Error(
          "cachette: the 'idb' backend needs IndexedDB, which this environment does not provide; " +
            "use backend 'memory', or in Node import 'fake-indexeddb/auto' first",
        ),
      );
    }
    let db: Db | undefined;
    let created = false;
    const opening: Promise<Db> = openDB<CacheDb>(this.#name, SCHEMA_VERSION, {
      upgrade(database, oldVersion, _newVersion, transaction) {
        if (oldVersion < 1) {
          created = true;
          const store = database.createObjectStore(STORE, { keyPath: 'key' });
          // Infinity is a valid IDB key: never-expiring entries sort last, outside upperBound(now).
          store.createIndex('expires', 'expires');
          store.createIndex('used', 'used');
          store.createIndex('tags', 'tags', { multiEntry: true });
        }
        if (oldVersion < 2) {
          database.createObjectStore(META);
          // Counted once, here; from now on every write keeps the count.
          void transaction
            .objectStore(STORE)
            .count()
            .then((count) => transaction.objectStore(META).put(count, COUNT));
        }
      },
      // Another context wants a version change or `deleteDatabase`: an open connection
      // blocks it forever, so step aside; the next call reopens (and recreates) the database.
      blocking: () => db && this.#drop(db),
      // The browser closed the connection (devtools "Clear storage", storage eviction).
      terminated: () => db && this.#drop(db),
    }).then((opened) => {
      db = opened;
      if (created) this.#onCreated?.();
      // `close()` ran while this was opening: this connection is nobody's, so close it;
      // callers already waiting on it fail with InvalidStateError and retry on a new one.
      if (this.#opening === opening) this.#db = opened;
      else this.#release(opened);
      return opened;
    });
    this.#opening = opening;
    // A failed open must not stick: the next call tries again.
    opening.catch(() => {
      if (this.#opening === opening) this.#forget();
    });
    return opening;
  }

  /** Closes `db` and, if it is the current connection, forgets it. */
  #drop(db: Db): void {
    this.#release(db);
    if (this.#db === db) this.#forget();
  }

  #release(db: Db): void {
    this.#closed.add(db);
    db.close();
  }

  #forget(): void {
    this.#opening = undefined;
    this.#db = undefined;
  }
}

/**
 * The `name` of a DOMException (or any error-like value), or `undefined`.
 * @example errorName(new DOMException('closed', 'InvalidStateError')) // 'InvalidStateError'
 */
export function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string' ? error.name : undefined;
}

/**
 * Runs `body` against `store` inside `tx`: resolves once the transaction committed; if
 * `body` throws, aborts the transaction (undoing its writes) and rethrows that error.
 * Every request and `tx.done` is awaited or handled, so nothing rejects unhandled.
 * @example const added = await inTransaction(db.transaction(STORE, 'readwrite'), (store) => store.add(entry));
 */
export async function inTransaction<T>(tx: WriteTx, body: (store: WriteStore) => Promise<T>): Promise<T> {
  try {
    const result = await body(tx.objectStore(STORE));
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
 * Marks a request's rejection as handled now; it is still awaited (and thrown) later.
 * @example deletions.push(handled(store.delete(key)));
 */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
