/**
 * `useCached`: the low-level API's `getOrSet` as a React hook. The value is read through the
 * cache (so every component, tab and reload shares it) and read again when an invalidation
 * names it: its key, a prefix of it, one of its tags, its alias or everything.
 */
import { useInsertionEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { getCache } from '../caches.js';
import type { Timeout } from '../core/cache.js';
import { invalidate, onInvalidate } from '../invalidate-on-demand.js';
import { invalidationConcerns, type ShownEntry } from './invalidation-concerns.js';

/** Where a read stands: no value yet, a value, or the last read failed. */
export type CachedStatus = 'loading' | 'success' | 'error';

/** Options of `useCached`. */
export interface UseCachedOptions {
  /** The cache alias. Default `'default'`. */
  cache?: string;
  /** Seconds the loaded value is kept (`null`: never expires). Default: the alias's timeout. */
  timeout?: Timeout;
  /** Tags stored with the value (`set(..., { tags })`); `invalidate({ tags })` naming one re-reads it. */
  tags?: readonly string[];
  /** `false` reads nothing (status stays `'loading'`, `isFetching` `false`), e.g. until a key is known. Default `true`. */
  enabled?: boolean;
}

/** What `useCached` returns. */
export interface CachedResult<T> {
  /** The value; `undefined` until the first read of this key succeeds. Kept while re-reading. */
  data: T | undefined;
  /** What the last read threw (the load's error, or a TypeError for a bad key or alias), else `undefined`. */
  error: unknown;
  /** `'loading'` until this key has a value or an error; then `'success'` or `'error'`. */
  status: CachedStatus;
  /** `true` while a read is in progress, also a background re-read after an invalidation. */
  isFetching: boolean;
  /**
   * Invalidates the key in its alias, everywhere (`invalidate({ cache, keys: [key] })`): this
   * component and every other one showing the key, in every tab, read it again.
   */
  refresh: () => Promise<void>;
}

type Snapshot<T> = Omit<CachedResult<T>, 'refresh'>;

const NO_TAGS: readonly string[] = [];
const SERVER: Snapshot<never> = Object.freeze({ data: undefined, error: undefined, status: 'loading', isFetching: false });

/**
 * The cached value of `key`, loading it with `load` on a miss (as `getOrSet`), and reading
 * it again whenever `invalidate` (here, in another tab, from the worker or a server push)
 * names the key, a prefix of it, one of `options.tags`, its alias or `all`.
 *
 * - A new `key` (or alias, tags, timeout) starts from `status: 'loading'` and `data: undefined`:
 *   the previous key's value is never shown for the new one, and a read that finishes after
 *   the key changed is dropped.
 * - After an invalidation the previous value stays on screen (`isFetching: true`) until the
 *   new one arrives.
 * - `load` may change on every render; the latest one is called.
 * - On the server (`renderToString`) it renders `status: 'loading'` and reads nothing.
 * @example
 * const { data, status, error, refresh } = useCached(`author:${id}`, () => fetchAuthor(id), { timeout: 600, tags: ['authors'] });
 * // elsewhere, after a change: await invalidate({ tags: ['authors'] });
 */
export function useCached<T>(key: string, load: () => T | Promise<T>, options: UseCachedOptions = {}): CachedResult<T> {
  const { cache: alias = 'default', timeout, tags = NO_TAGS, enabled = true } = options;
  const latestLoad = useRef(load);
  // Before any effect: the read that a subscription or an invalidation starts calls this render's load.
  useInsertionEffect(() => {
    latestLoad.current = load;
  });
  const tagsKey = JSON.stringify(tags);
  const read = useMemo(
    () => new CachedRead<T>({ alias, key, tags: [...tags] }, timeout, enabled, latestLoad),
    // tags by value: a literal array is a new array on every render.
    [alias, key, tagsKey, timeout, enabled],
  );
  const snapshot = useSyncExternalStore(read.subscribe, read.getSnapshot, read.getServerSnapshot);
  return useMemo(() => ({ ...snapshot, refresh: read.refresh }), [snapshot, read]);
}

/**
 * The reads of one key for one component: an external store for `useSyncExternalStore`.
 * Subscribing starts listening to invalidations and the first read; the last unsubscribe
 * stops listening. One read at a time: an invalidation during a read is served after it.
 */
class CachedRead<T> {
  readonly #entry: ShownEntry;
  readonly #timeout: Timeout;
  readonly #enabled: boolean;
  readonly #load: { readonly current: () => T | Promise<T> };
  readonly #listeners = new Set<() => void>();
  #snapshot: Snapshot<T>;
  #stopListening: (() => void) | undefined;
  #inFlight = false;
  #invalidatedInFlight = false;
  #needsRead = true;

  constructor(entry: ShownEntry, timeout: Timeout, enabled: boolean, load: { readonly current: () => T | Promise<T> }) {
    this.#entry = entry;
    this.#timeout = timeout;
    this.#enabled = enabled;
    this.#load = load;
    this.#snapshot = { data: undefined, error: undefined, status: 'loading', isFetching: enabled };
  }

  readonly getSnapshot = (): Snapshot<T> => this.#snapshot;
  readonly getServerSnapshot = (): Snapshot<T> => SERVER;

  readonly refresh = (): Promise<void> => invalidate({ cache: this.#entry.alias, keys: [this.#entry.key] });

  readonly subscribe = (onChange: () => void): (() => void) => {
    this.#listeners.add(onChange);
    if (this.#listeners.size === 1 && this.#enabled) {
      this.#stopListening = onInvalidate((target) => {
        if (invalidationConcerns(target, this.#entry)) this.#read();
      });
      // StrictMode subscribes twice: the read begun by the first subscription serves both.
      if (this.#needsRead && !this.#inFlight) this.#read();
      this.#needsRead = false;
    }
    return () => {
      this.#listeners.delete(onChange);
      if (this.#listeners.size > 0) return;
      this.#stopListening?.();
      this.#stopListening = undefined;
      // Invalidations go unheard from now on: read again if subscribed again.
      this.#needsRead = true;
    };
  };

  #read(): void {
    if (this.#inFlight) {
      // getOrSet joins the load already running, begun before this invalidation: its value
      // is stale. Once it settles, drop what it stored and read once more.
      this.#invalidatedInFlight = true;
      return;
    }
    this.#inFlight = true;
    if (!this.#snapshot.isFetching) this.#set({ ...this.#snapshot, isFetching: true });
    const { alias, key, tags } = this.#entry;
    let result: Promise<T>;
    try {
      result = getCache(alias).getOrSet(key, () => this.#load.current(), this.#timeout, tags.length ? { tags } : undefined);
    } catch (error) {
      result = Promise.reject(error); // an unknown alias throws at once
    }
    result.then(
      (data) => this.#settle({ data, error: undefined, status: 'success', isFetching: false }),
      (error: unknown) => this.#settle({ data: this.#snapshot.data, error, status: 'error', isFetching: false }),
    );
  }

  #settle(next: Snapshot<T>): void {
    this.#inFlight = false;
    if (this.#invalidatedInFlight) {
      this.#invalidatedInFlight = false;
      const reread = () => this.#read();
      const { alias, key } = this.#entry;
      Promise.resolve()
        .then(() => getCache(alias).delete(key))
        .then(reread, reread);
      return;
    }
    this.#set(next);
  }

  #set(next: Snapshot<T>): void {
    this.#snapshot = next;
    for (const listener of this.#listeners) listener();
  }
}
