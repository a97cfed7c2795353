/**
 * The `Cache`: Django's low-level cache API, async and camelCase, over one backend store.
 * It owns keys, versions, timeouts and argument checks; the store owns storage, expiry
 * checks and culling.
 */
import type { Clock } from './clock.js';
import { CacheMissError, UnstorableValueError } from './errors.js';
import { checkTimeout, describe, type ResolvedOptions } from './options.js';
import { reportError } from './report.js';
import { estimateSize } from './size.js';
import type { Entry, Store, WritePolicy } from './store.js';

/** Per-call options: the version to use instead of the cache's. */
export interface VersionOptions {
  version?: number;
}

/** Per-call options for writes: a version and tags for `invalidate({ tags })`. */
export interface SetOptions extends VersionOptions {
  tags?: readonly string[];
}

/** A timeout argument: seconds (floats allowed, 0 or less expires at once), `null` never, `undefined` the default. */
export type Timeout = number | null | undefined;

/**
 * One cache alias, as Django's `caches[alias]`. Every method returns a Promise.
 * @example
 * const c = getCache('default');
 * await c.set('greeting', 'hello', 60);
 * await c.get('greeting'); // 'hello'
 */
export class Cache {
  readonly alias: string;
  readonly options: Readonly<ResolvedOptions>;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #computing = new Map<string, Promise<unknown>>();
  /** Moves on each invalidation that may concern a computation in flight, by stored key; `*` for all of them. */
  readonly #abandoned = new Map<string, number>();
  #abandonedAll = 0;
  #hits = 0;
  #misses = 0;

  constructor(alias: string, options: ResolvedOptions, store: Store, clock: Clock) {
    this.alias = alias;
    this.options = Object.freeze({ ...options });
    this.#store = store;
    this.#clock = clock;
  }

  /** The store behind this alias (shared by every alias with the same backend and location). */
  get store(): Store {
    return this.#store;
  }

  /**
   * The stored key for `key`, as Django's `make_key`.
   * @example cache.makeKey('a', 2) // ':2:a'
   */
  makeKey(key: string, version?: number): string {
    checkKey(key);
    const v = this.#version(version);
    const made = this.options.keyFunction(key, this.options.keyPrefix, v);
    if (typeof made !== 'string') {
      throw new TypeError(`cachette: the keyFunction of cache '${this.alias}' must return a string, got ${describe(made)}`);
    }
    return made;
  }

  /**
   * The value, or `fallback` when the key is missing or expired (or the store fails: reported to
   * `onCacheError`, never thrown). A stored `null` is a value.
   * @example await cache.get('missing', 'default') // 'default'
   */
  async get<T = unknown>(key: string, fallback?: T, opts?: VersionOptions): Promise<T | undefined> {
    const stored = this.makeKey(key, opts?.version);
    const entry = await this.#read(stored, `get '${key}'`);
    this.#count(entry !== undefined);
    return entry ? (entry.value as T) : fallback;
  }

  /**
   * The live entry (its value and facts, such as when it was `stored`), or `undefined` as
   * `get` gives its fallback; counted as `get` counts. Treat it as read-only.
   * @example const entry = await cache.getEntry('page'); entry && Date.now() - (entry.stored ?? Date.now())
   */
  async getEntry(key: string, opts?: VersionOptions): Promise<Entry | undefined> {
    const entry = await this.#read(this.makeKey(key, opts?.version), `get '${key}'`);
    this.#count(entry !== undefined);
    return entry;
  }

  /**
   * A read that a failing store turns into a miss (reported), as a cache should: the page
   * carries on without it. Bad arguments were rejected before this.
   */
  async #read(stored: string, what: string): Promise<Entry | undefined> {
    try {
      return await this.#store.get(stored, this.#now());
    } catch (error) {
      reportError(error, `${what} in cache '${this.alias}'`);
      return undefined;
    }
  }

  /**
   * Reads in this context since it started: hits and misses of `get`, `getMany` and `getOrSet`.
   * @example const { hits, misses } = cache.stats();
   */
  stats(): { hits: number; misses: number } {
    return { hits: this.#hits, misses: this.#misses };
  }

  #count(hit: boolean, n = 1): void {
    if (hit) this.#hits += n;
    else this.#misses += n;
  }

  /**
   * Stores `value` for `timeout` seconds (default: the cache's).
   * @example await cache.set('answer', 42, 600, { tags: ['numbers'] })
   */
  async set(key: string, value: unknown, timeout?: Timeout, opts?: SetOptions): Promise<void> {
    const entry = this.#entry(key, value, timeout, opts);
    await this.#write([entry], [key]);
  }

  /**
   * Stores `value` only if the key is absent or expired; `true` if it did.
   * @example await cache.add('lock', 1, 10) // true, then false until it expires
   */
  async add(key: string, value: unknown, timeout?: Timeout, opts?: SetOptions): Promise<boolean> {
    const entry = this.#entry(key, value, timeout, opts);
    if (entry.expires <= entry.used) {
      // Expires at once: nothing readable is kept, but the add "succeeds" only if the key is free.
      return !(await this.#store.get(entry.key, this.#now()));
    }
    try {
      return await this.#store.add(entry, this.#policy());
    } catch (error) {
      throw this.#unstorable(error, [key], [entry]);
    }
  }

  /**
   * The cached value, or on a miss `defaultOrFn` (called if a function, possibly async),
   * added to the cache. Concurrent calls for one key in this context compute once; if
   * another writer added a value first, that value wins. A failing store does not fail
   * the call: the value is computed, returned, and the error reported.
   * @example const top = await cache.getOrSet('top-authors', () => fetchTopAuthors(), 600)
   */
  async getOrSet<T>(key: string, defaultOrFn: T | (() => T | Promise<T>), timeout?: Timeout, opts?: SetOptions): Promise<T> {
    const stored = this.makeKey(key, opts?.version);
    if (timeout !== undefined) checkTimeout(timeout, `the timeout for key '${key}'`);
    const pending = this.#computing.get(stored);
    if (pending) return pending as Promise<T>;
    const run = this.#getOrSet(key, stored, defaultOrFn, timeout, opts);
    this.#computing.set(stored, run);
    try {
      return await run;
    } finally {
      if (this.#computing.get(stored) === run) this.#computing.delete(stored);
    }
  }

  /**
   * Internal: an invalidation reached this cache while values may be computing (`getOrSet`):
   * for `storedKeys` (or every key), later calls compute afresh instead of joining, and the
   * computations in flight do not store what they computed from the data before the change
   * (their callers still get it).
   */
  abandonComputing(storedKeys?: readonly string[]): void {
    if (!storedKeys) {
      this.#abandonedAll += 1;
      this.#computing.clear();
      return;
    }
    for (const stored of storedKeys) {
      this.#abandoned.set(stored, (this.#abandoned.get(stored) ?? 0) + 1);
      this.#computing.delete(stored);
    }
  }

  #epoch(stored: string): string {
    return `${this.#abandonedAll}:${this.#abandoned.get(stored) ?? 0}`;
  }

  async #getOrSet<T>(key: string, stored: string, defaultOrFn: T | (() => T | Promise<T>), timeout: Timeout, opts?: SetOptions): Promise<T> {
    const epoch = this.#epoch(stored);
    let storeFailed = false;
    try {
      const hit = await this.#store.get(stored, this.#now());
      this.#count(hit !== undefined);
      if (hit) return hit.value as T;
    } catch (error) {
      storeFailed = true;
      reportError(error, `getOrSet '${key}' in cache '${this.alias}'`);
    }
    const value = typeof defaultOrFn === 'function' ? await (defaultOrFn as () => T | Promise<T>)() : defaultOrFn;
    // Computed from data an invalidation has since declared changed: not stored.
    if (storeFailed || this.#epoch(stored) !== epoch) return value;
    try {
      await this.add(key, value, timeout, opts);
      // Read back: another writer may have added first, and its value wins (Django's race rule).
      const now = await this.#store.get(stored, this.#now());
      return now ? (now.value as T) : value;
    } catch (error) {
      if (error instanceof TypeError) throw error;
      reportError(error, `getOrSet '${key}' in cache '${this.alias}'`);
      return value;
    }
  }

  /**
   * The values of the keys found (stored `null` included), keyed by the caller's keys.
   * @example await cache.getMany(['a', 'b']) // { a: 1 }
   */
  async getMany(keys: Iterable<string>, opts?: VersionOptions): Promise<Record<string, unknown>> {
    const byStored = this.#keyMap(keys, opts?.version);
    let found: Map<string, Entry>;
    try {
      found = await this.#store.getMany([...byStored.keys()], this.#now());
    } catch (error) {
      reportError(error, `getMany in cache '${this.alias}'`);
      found = new Map();
    }
    this.#count(true, found.size);
    this.#count(false, byStored.size - found.size);
    const out: Record<string, unknown> = {};
    for (const [stored, key] of byStored) {
      const entry = found.get(stored);
      if (entry) out[key] = entry.value;
    }
    return out;
  }

  /**
   * Stores every value of `record`; resolves to the keys that failed (`[]` on success).
   * A value that cannot be stored rejects with a TypeError before anything is written.
   * @example await cache.setMany({ a: 1, b: 2 }, 60) // []
   */
  async setMany(record: Record<string, unknown>, timeout?: Timeout, opts?: SetOptions): Promise<string[]> {
    if (typeof record !== 'object' || record === null) {
      throw new TypeError(`cachette: setMany takes an object of key → value, got ${describe(record)}`);
    }
    const keys = Object.keys(record);
    const entries = keys.map((key) => this.#entry(key, record[key], timeout, opts));
    await this.#write(entries, keys);
    return [];
  }

  /**
   * Removes the key; `true` if a live value was removed.
   * @example await cache.delete('a') // true
   */
  async delete(key: string, opts?: VersionOptions): Promise<boolean> {
    const removed = await this.#store.delete([this.makeKey(key, opts?.version)], this.#now());
    return removed.length > 0;
  }

  /**
   * Removes every key.
   * @example await cache.deleteMany(['a', 'b'])
   */
  async deleteMany(keys: Iterable<string>, opts?: VersionOptions): Promise<void> {
    const byStored = this.#keyMap(keys, opts?.version);
    if (byStored.size) await this.#store.delete([...byStored.keys()], this.#now());
  }

  /**
   * Whether the key holds a live value (a stored `null` counts).
   * @example await cache.has('a') // false
   */
  async has(key: string, opts?: VersionOptions): Promise<boolean> {
    return (await this.#read(this.makeKey(key, opts?.version), `has '${key}'`)) !== undefined;
  }

  /**
   * Empties this alias's whole store (its `location`), as Django's `clear`.
   * @example await cache.clear()
   */
  async clear(): Promise<void> {
    await this.#store.clear();
  }

  /**
   * Sets a live key's expiry to now + `timeout`; `true` if the key was live.
   * @example await cache.touch('session', 3600)
   */
  async touch(key: string, timeout?: Timeout, opts?: VersionOptions): Promise<boolean> {
    const stored = this.makeKey(key, opts?.version);
    const now = this.#now();
    const expires = this.#expiry(timeout, key, now);
    if (expires <= now) {
      const removed = await this.#store.delete([stored], now);
      return removed.length > 0;
    }
    return this.#store.touch(stored, expires, now);
  }

  /**
   * Adds `delta` to a stored number and returns the result; the expiry is kept.
   * Rejects with `CacheMissError` for a missing key and `TypeError` for a non-number.
   * @example await cache.set('hits', 1); await cache.incr('hits', 10) // 11
   */
  async incr(key: string, delta = 1, opts?: VersionOptions): Promise<number> {
    if (typeof delta !== 'number' || !Number.isFinite(delta)) {
      throw new TypeError(`cachette: incr/decr delta must be a finite number, got ${describe(delta)}`);
    }
    const stored = this.makeKey(key, opts?.version);
    const updated = await this.#store.update(stored, this.#now(), (entry) => {
      if (typeof entry.value !== 'number') {
        throw new TypeError(`cachette: cannot incr/decr key '${key}': its value is ${describe(entry.value)}, not a number`);
      }
      return { ...entry, value: entry.value + delta };
    });
    if (!updated) throw new CacheMissError(key, this.alias);
    return updated.value as number;
  }

  /**
   * Subtracts `delta`; see `incr`.
   * @example await cache.decr('stock') // one less
   */
  async decr(key: string, delta = 1, opts?: VersionOptions): Promise<number> {
    if (typeof delta !== 'number' || !Number.isFinite(delta)) {
      throw new TypeError(`cachette: incr/decr delta must be a finite number, got ${describe(delta)}`);
    }
    return this.incr(key, -delta, opts);
  }

  /**
   * Moves the value to version + `delta` (the old version is gone); returns the new version.
   * @example await cache.incrVersion('a') // 2
   */
  async incrVersion(key: string, delta = 1, opts?: VersionOptions): Promise<number> {
    if (!Number.isSafeInteger(delta)) {
      throw new TypeError(`cachette: incrVersion/decrVersion delta must be an integer, got ${describe(delta)}`);
    }
    const version = this.#version(opts?.version);
    const moved = await this.#store.move(this.makeKey(key, version), this.makeKey(key, version + delta), this.#now());
    if (!moved) throw new CacheMissError(key, this.alias);
    return version + delta;
  }

  /**
   * Moves the value to version − `delta`; see `incrVersion`.
   * @example await cache.decrVersion('a', 1, { version: 2 }) // 1
   */
  async decrVersion(key: string, delta = 1, opts?: VersionOptions): Promise<number> {
    if (!Number.isSafeInteger(delta)) {
      throw new TypeError(`cachette: incrVersion/decrVersion delta must be an integer, got ${describe(delta)}`);
    }
    return this.incrVersion(key, -delta, opts);
  }

  /**
   * Releases the store's connections; a later call reopens them.
   * @example await cache.close()
   */
  async close(): Promise<void> {
    await this.#store.close();
  }

  #now(): number {
    return this.#clock.now();
  }

  #version(version: number | undefined): number {
    if (version === undefined) return this.options.version;
    if (!Number.isSafeInteger(version)) {
      throw new TypeError(`cachette: version must be an integer, got ${describe(version)}`);
    }
    return version;
  }

  #expiry(timeout: Timeout, key: string, now: number): number {
    const seconds = timeout === undefined ? this.options.timeout : checkTimeout(timeout, `the timeout for key '${key}'`);
    if (seconds === null) return Infinity;
    return seconds <= 0 ? now : now + seconds * 1000;
  }

  #entry(key: string, value: unknown, timeout: Timeout, opts: SetOptions | undefined): Entry {
    const stored = this.makeKey(key, opts?.version);
    const now = this.#now();
    return {
      key: stored,
      value,
      expires: this.#expiry(timeout, key, now),
      tags: checkTags(opts?.tags, key),
      size: estimateSize(value),
      used: now,
      stored: now,
    };
  }

  #policy(): WritePolicy {
    return { maxEntries: this.options.maxEntries, cullFrequency: this.options.cullFrequency, now: this.#now() };
  }

  async #write(entries: Entry[], keys: string[]): Promise<void> {
    const live = entries.filter((e) => e.expires > e.used);
    const dead = entries.filter((e) => e.expires <= e.used).map((e) => e.key);
    try {
      // A timeout of 0 or less keeps nothing readable: the key's old value goes too.
      if (dead.length) await this.#store.delete(dead, this.#now());
      if (live.length) await this.#store.set(live, this.#policy());
    } catch (error) {
      throw this.#unstorable(error, keys, entries);
    }
  }

  /** Turns a store's "cannot store this value" into a TypeError naming the caller's key. */
  #unstorable(error: unknown, keys: string[], entries: Entry[]): unknown {
    // By name, not instanceof: a backend built against another copy of the package throws its own class.
    if (!(error instanceof UnstorableValueError) && (error as Error | null)?.name !== 'UnstorableValueError') return error;
    const { storedKey, reason, cause } = error as UnstorableValueError;
    if (typeof storedKey !== 'string' || typeof reason !== 'string') return error;
    const index = entries.findIndex((e) => e.key === storedKey);
    const key = keys[index] ?? storedKey;
    return new TypeError(
      `cachette: the value for key '${key}' cannot be stored by the '${this.options.backend}' backend of cache '${this.alias}': ${reason}`,
      { cause: cause ?? error },
    );
  }

  #keyMap(keys: Iterable<string>, version: number | undefined): Map<string, string> {
    if (keys === null || typeof keys !== 'object' || typeof (keys as Iterable<string>)[Symbol.iterator] !== 'function' || typeof keys === 'string') {
      throw new TypeError(`cachette: keys must be an iterable of strings (an array, a Set), got ${describe(keys)}`);
    }
    const map = new Map<string, string>();
    for (const key of keys) map.set(this.makeKey(key, version), key);
    return map;
  }
}

/** Keys are strings; anything else is a TypeError naming it. */
function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') {
    throw new TypeError(`cachette: cache keys must be strings, got ${describe(key)}`);
  }
}

function checkTags(tags: unknown, key: string): string[] {
  if (tags === undefined) return [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) {
    throw new TypeError(`cachette: tags for key '${key}' must be an array of strings, got ${describe(tags)}`);
  }
  return [...new Set(tags as string[])];
}
