/**
 * The one small interface every backend implements. The `Cache` speaks to a store only
 * through it, with stored keys (prefix and version already applied) and a `now` read from
 * the cache's clock, so expiry is a pure function of the entry and that clock.
 */

/** One cached entry, with every fact about it stored alongside the value. */
export interface Entry {
  /** The stored key: `keyPrefix:version:key` unless a `keyFunction` says otherwise. */
  key: string;
  value: unknown;
  /** Expiry in ms since the epoch; `Infinity` never expires. */
  expires: number;
  /** Tags for `invalidate({ tags })`. */
  tags: string[];
  /** Approximate size in bytes, for the devtools and quotas. */
  size: number;
  /** Last use (ms since the epoch, strictly increasing within one context): the LRU order. */
  used: number;
  /**
   * When the value was written (ms since the epoch): the `Cache` sets it on every `set`, `add`
   * and `setMany`; `touch`, `incr` and version moves keep it. The worker's `Age` header is
   * computed from it. A backend stores it and gives it back as it does the other fields (the
   * contract suite checks); it is optional only because entries written before it existed
   * lack it, and readers treat its absence as "unknown".
   */
  stored?: number;
}

/** What listings show of an entry: every fact but the value. */
export type EntryInfo = Omit<Entry, 'value'>;

/** What a write must respect: Django's culling options and the time. */
export interface WritePolicy {
  maxEntries: number;
  cullFrequency: number;
  now: number;
}

/** Differences between backends, declared rather than discovered. */
export interface StoreCapabilities {
  /**
   * Who sees the same data: nobody, one JavaScript realm (a tab, the worker), or every tab
   * and the worker of the origin. An invalidation is applied once to an origin-shared store
   * and in every realm to a realm's own; a realm with its own stores listens for other
   * realms' invalidations.
   */
  readonly sharing: 'none' | 'realm' | 'origin';
  /** What values it stores exactly: structured-clonable ones (the default) or JSON-compatible ones. */
  readonly values?: 'structured' | 'json';
  /** Whether a `Response` is stored as is (else the worker stores its status, headers and bytes). */
  readonly nativeResponses?: boolean;
}

/**
 * A store as the core uses it: a backend's store (see `BackendStore` in backend.ts) with
 * every optional method supplied, its backend's name and location. Every method may reject
 * with a platform error.
 */
export interface Store {
  readonly backend: string;
  readonly location: string;
  readonly capabilities: StoreCapabilities;
  /** The live entry, or `undefined` when missing or expired. Counts as a use. */
  get(key: string, now: number): Promise<Entry | undefined>;
  /** The live entries among `keys`, in one round trip where the backend allows. Counts as use. */
  getMany(keys: readonly string[], now: number): Promise<Map<string, Entry>>;
  /**
   * Writes every entry (culling first when the store is full). Throws `UnstorableValueError`
   * naming the first entry whose value cannot be stored exactly; then nothing was written.
   */
  set(entries: readonly Entry[], policy: WritePolicy): Promise<void>;
  /** Writes `entry` only if its key is absent or expired; `true` if written. */
  add(entry: Entry, policy: WritePolicy): Promise<boolean>;
  /** Removes the keys; resolves to those that held a live value. */
  delete(keys: readonly string[], now: number): Promise<string[]>;
  /** Sets a live entry's expiry; `false` when the key is missing or expired. */
  touch(key: string, expires: number, now: number): Promise<boolean>;
  /**
   * Atomic read-modify-write of a live entry: `fn` (synchronous) returns the entry to
   * store, or throws to leave the store unchanged. Resolves to the stored entry, or
   * `undefined` when the key is missing or expired. Counts as a use.
   */
  update(key: string, now: number, fn: (entry: Entry) => Entry): Promise<Entry | undefined>;
  /** Moves a live entry to another key (replacing what is there); `false` when missing. */
  move(from: string, to: string, now: number): Promise<boolean>;
  /** Every live entry's facts, without values (for invalidation by pattern and the devtools); at most `limit` given one. */
  list(now: number, limit?: number): Promise<EntryInfo[]>;
  /** How many live entries the store holds, without reading their values where the store can. */
  count(now: number): Promise<number>;
  /** Removes every entry carrying any of `tags`; resolves to the keys that held a live value. */
  deleteTagged(tags: readonly string[], now: number): Promise<string[]>;
  /** Removes every entry whose stored key starts with `prefix`; resolves to how many records went. */
  deletePrefix(prefix: string, now: number): Promise<number>;
  /** The distinct tags starting with `prefix` that entries carry (expired ones may be included). */
  tags(prefix: string, now: number): Promise<string[]>;
  /** Empties the whole location. */
  clear(): Promise<void>;
  /** Releases connections; the next call reopens them. */
  close(): Promise<void>;
}

/** Whether an entry can no longer be read at `now`. */
export function isExpired(entry: Pick<Entry, 'expires'>, now: number): boolean {
  return entry.expires <= now;
}
