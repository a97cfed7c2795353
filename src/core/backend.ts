/**
 * Backends of your own, as Django accepts a backend's dotted path: an object with a name
 * and `open(location)`, returning a store with five required methods. What a store leaves
 * out, the core supplies from those five (as unstorage's drivers), so a backend is one
 * small file; the built-in backends implement the same interface, and the same contract
 * suite runs against every one.
 */
import { isExpired, type Entry, type EntryInfo, type Store, type StoreCapabilities, type WritePolicy } from './store.js';

/**
 * A backend: what `defineCaches` takes where it takes a backend name.
 * @example
 * defineCaches({ default: { backend: { name: 'session', capabilities: { sharing: 'realm' }, open: (location) => new SessionStore(location) } } });
 */
export interface Backend {
  /** Its name: shown by the devtools, and with the location, a shared store's identity across tabs and the worker. */
  readonly name: string;
  /** What it does differently, declared. Default: `{ sharing: 'realm' }`. */
  readonly capabilities?: StoreCapabilities;
  /** The store for one `location`; called once per location in a realm (page or worker). */
  open(location: string): BackendStore;
}

/**
 * A backend's store. Keys arrive already built (`keyPrefix:version:key`); `now` is the
 * cache's clock, so expiry is `entry.expires <= now`. Every method may reject with a platform
 * error: the `Cache` reports it and behaves as a miss, never breaking the page.
 */
export interface BackendStore {
  /** The live entry under `key` (`undefined` when missing or expired); stamps its `used` with `now`. */
  get(key: string, now: number): Promise<Entry | undefined>;
  /**
   * Writes the entries. When the store holds `policy.maxEntries` or more, it first removes
   * expired entries, then `floor(count / policy.cullFrequency)` of the least recently used
   * (all of them when `cullFrequency` is 0), as Django's in-memory backend. Throws
   * `UnstorableValueError` (from `'cachette'`) when a value cannot be stored exactly.
   */
  set(entries: readonly Entry[], policy: WritePolicy): Promise<void>;
  /** Removes the keys; resolves to those that held a live value. */
  delete(keys: readonly string[], now: number): Promise<string[]>;
  /**
   * Every live entry's facts, without values (invalidation by prefix and tag, the devtools);
   * given `limit`, at most that many (a store that lists more is cut by the core).
   */
  list(now: number, limit?: number): Promise<EntryInfo[]>;
  /** Empties this location. */
  clear(): Promise<void>;

  // Optional: faster or atomic versions of what the core otherwise does with the five above.
  /** The live entries among `keys`. Default: `get` for each. */
  getMany?(keys: readonly string[], now: number): Promise<Map<string, Entry>>;
  /** Writes `entry` only if its key is absent or expired; `true` if written. Default: `get`, then `set` (not atomic across tabs). */
  add?(entry: Entry, policy: WritePolicy): Promise<boolean>;
  /** Sets a live entry's expiry; `false` when missing. Default: `get`, then `set`. */
  touch?(key: string, expires: number, now: number): Promise<boolean>;
  /** Read-modify-write of a live entry (`fn` is synchronous and may throw to abort). Default: `get`, `fn`, `set`. */
  update?(key: string, now: number, fn: (entry: Entry) => Entry): Promise<Entry | undefined>;
  /** Moves a live entry to another key; `false` when missing. Default: `get`, `set`, `delete`. */
  move?(from: string, to: string, now: number): Promise<boolean>;
  /** Removes every entry carrying one of `tags`. Default: `list`, then `delete`. */
  deleteTagged?(tags: readonly string[], now: number): Promise<string[]>;
  /**
   * Removes every live entry whose stored key starts with `prefix` (expired ones may go
   * too); resolves to how many records it removed. Default: `list`, then `delete`. A sorted
   * store does it as one key range, at the cost of what it removes.
   */
  deletePrefix?(prefix: string, now: number): Promise<number>;
  /**
   * The distinct tags starting with `prefix` that entries carry (expired ones may be
   * included), for invalidation by route without reading values. Default: from `list`.
   */
  tags?(prefix: string, now: number): Promise<string[]>;
  /**
   * How many live entries the store holds (the devtools, on a store larger than its listing).
   * Default: the length of `list`. A store that keeps its count answers without reading values.
   */
  count?(now: number): Promise<number>;
  /** Releases connections (the next call reopens them). Default: nothing to release. */
  close?(): Promise<void>;
}

/** What the built-in names stand for, for error messages and the type of `backend`. */
export type BackendName = 'idb' | 'cache-storage' | 'memory' | 'dummy';

const REQUIRED = ['get', 'set', 'delete', 'list', 'clear'] as const;
const OPTIONAL = ['getMany', 'add', 'touch', 'update', 'move', 'deleteTagged', 'deletePrefix', 'tags', 'count', 'close'] as const;
const SHARING = ['none', 'realm', 'origin'];

/**
 * Why `value` is not a `Backend`, or `undefined` when it is one.
 * @example backendProblem({ name: 'x' }) // "it has no open(location) method"
 */
export function backendProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'it is not an object';
  const b = value as Partial<Backend>;
  if (typeof b.name !== 'string' || !/^[\w.-]{1,64}$/.test(b.name)) return 'its name must be 1 to 64 letters, digits, _, . or -';
  if (typeof b.open !== 'function') return 'it has no open(location) method';
  const sharing = b.capabilities?.sharing;
  if (b.capabilities !== undefined && (typeof b.capabilities !== 'object' || b.capabilities === null || (sharing !== undefined && !SHARING.includes(sharing)))) {
    return "its capabilities must be an object like { sharing: 'none' | 'realm' | 'origin' }";
  }
  return undefined;
}

/**
 * The store `backend` opens for `location`, with the core's versions of what it leaves
 * out. A store missing a required method is a TypeError naming the backend and the method.
 * With `ready`, every operation first waits for it (the realm starting to hear other
 * contexts' invalidations before its own store holds anything).
 * @example const store = openStore(myBackend, 'sessions');
 */
export function openStore(backend: Backend, location: string, ready?: Promise<void>): Store {
  const opened = backend.open(location);
  const missing = REQUIRED.filter((m) => typeof (opened as unknown as Record<string, unknown> | null)?.[m] !== 'function');
  if (missing.length) {
    throw new TypeError(`cachette: backend '${backend.name}' opened a store without ${missing.join(', ')}; a store needs get, set, delete, list and clear`);
  }
  for (const method of OPTIONAL) {
    const given = opened[method];
    if (given !== undefined && typeof given !== 'function') throw new TypeError(`cachette: backend '${backend.name}': ${method} must be a method or absent`);
  }
  return new CompletedStore(backend, location, opened, ready);
}

/** A backend's store, with the optional methods filled in by the core. */
class CompletedStore implements Store {
  readonly backend: string;
  readonly location: string;
  readonly capabilities: StoreCapabilities;
  readonly #raw: BackendStore;
  #ready: Promise<void> | undefined;

  constructor(backend: Backend, location: string, store: BackendStore, ready: Promise<void> | undefined) {
    this.backend = backend.name;
    this.location = location;
    this.capabilities = { sharing: 'realm', ...backend.capabilities };
    this.#raw = store;
    // Waited for once; a failure (reported where it happened) must not stop the store.
    this.#ready = ready?.then(
      () => {
        this.#ready = undefined;
      },
      () => {
        this.#ready = undefined;
      },
    );
  }

  /** The backend's store, once `ready` (if any) has settled. */
  async #s(): Promise<BackendStore> {
    if (this.#ready) await this.#ready;
    return this.#raw;
  }

  async get(key: string, now: number): Promise<Entry | undefined> {
    return (this.#ready ? await this.#s() : this.#raw).get(key, now);
  }

  async set(entries: readonly Entry[], policy: WritePolicy): Promise<void> {
    return (await this.#s()).set(entries, policy);
  }

  async delete(keys: readonly string[], now: number): Promise<string[]> {
    return (await this.#s()).delete(keys, now);
  }

  async list(now: number, limit?: number): Promise<EntryInfo[]> {
    const listed = await (await this.#s()).list(now, limit);
    return limit !== undefined && listed.length > limit ? listed.slice(0, limit) : listed;
  }

  async count(now: number): Promise<number> {
    const s = await this.#s();
    return s.count ? s.count(now) : (await s.list(now)).length;
  }

  async clear(): Promise<void> {
    return (await this.#s()).clear();
  }

  async getMany(keys: readonly string[], now: number): Promise<Map<string, Entry>> {
    const s = await this.#s();
    if (s.getMany) return s.getMany(keys, now);
    const found = new Map<string, Entry>();
    const entries = await Promise.all(keys.map((key) => s.get(key, now)));
    entries.forEach((entry, i) => {
      if (entry) found.set(keys[i] as string, entry);
    });
    return found;
  }

  async add(entry: Entry, policy: WritePolicy): Promise<boolean> {
    const s = await this.#s();
    if (s.add) return s.add(entry, policy);
    if (await s.get(entry.key, policy.now)) return false;
    await s.set([entry], policy);
    return true;
  }

  async touch(key: string, expires: number, now: number): Promise<boolean> {
    const s = await this.#s();
    if (s.touch) return s.touch(key, expires, now);
    const entry = await s.get(key, now);
    if (!entry) return false;
    await s.set([{ ...entry, expires }], keepAll(now));
    return true;
  }

  async update(key: string, now: number, fn: (entry: Entry) => Entry): Promise<Entry | undefined> {
    const s = await this.#s();
    if (s.update) return s.update(key, now, fn);
    const entry = await s.get(key, now);
    if (!entry) return undefined;
    const next = fn(entry);
    await s.set([next], keepAll(now));
    return next;
  }

  async move(from: string, to: string, now: number): Promise<boolean> {
    const s = await this.#s();
    if (s.move) return s.move(from, to, now);
    const entry = await s.get(from, now);
    if (!entry) return false;
    await s.set([{ ...entry, key: to }], keepAll(now));
    if (from !== to) await s.delete([from], now);
    return true;
  }

  async deleteTagged(tags: readonly string[], now: number): Promise<string[]> {
    const s = await this.#s();
    if (s.deleteTagged) return s.deleteTagged(tags, now);
    const wanted = new Set(tags);
    const keys = (await s.list(now)).filter((e) => !isExpired(e, now) && e.tags.some((t) => wanted.has(t))).map((e) => e.key);
    return keys.length ? s.delete(keys, now) : [];
  }

  async deletePrefix(prefix: string, now: number): Promise<number> {
    const s = await this.#s();
    if (s.deletePrefix) return s.deletePrefix(prefix, now);
    const keys = (await s.list(now)).filter((e) => e.key.startsWith(prefix)).map((e) => e.key);
    return keys.length ? (await s.delete(keys, now)).length : 0;
  }

  async tags(prefix: string, now: number): Promise<string[]> {
    const s = await this.#s();
    if (s.tags) return s.tags(prefix, now);
    const found = new Set<string>();
    for (const entry of await s.list(now)) for (const tag of entry.tags) if (tag.startsWith(prefix)) found.add(tag);
    return [...found];
  }

  async close(): Promise<void> {
    await this.#raw.close?.();
  }
}

/** A write that replaces an entry already counted: nothing to cull for it. */
function keepAll(now: number): WritePolicy {
  return { maxEntries: Number.MAX_SAFE_INTEGER, cullFrequency: 3, now };
}
