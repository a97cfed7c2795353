/**
 * The alias registry, as Django's `caches`: maps aliases to `Cache` instances built from
 * a configuration, and shares one store per (backend, location) within a realm.
 */
import { Cache } from './cache.js';
import { systemClock, type Clock } from './clock.js';
import { openStore, type Backend } from './backend.js';
import { describe, resolveOptions, type CacheOptions } from './options.js';
import type { Store } from './store.js';

/** `defineCaches`' argument: alias → options, as Django's `CACHES`. */
export type CachesConfig = Record<string, CacheOptions>;

/** What the registry does when it opens a store. */
export interface HandlerHooks {
  /**
   * Called when a store kept in this realm only (`sharing: 'realm'`) is opened: the realm
   * must start hearing other contexts' invalidations. Its operations wait for the promise.
   */
  realmStoreOpened?(): Promise<void>;
}

/** Settings of the registry itself. */
export interface DefineOptions {
  /** The time source for expiry (tests pass a fake one). Default: `Date.now`. */
  clock?: Clock;
}

/** What a configuration is, before `defineCaches` is called: Django's default alias. */
const DEFAULT_CONFIG: CachesConfig = { default: { backend: 'idb' } };

/** The registry behind `defineCaches` and `getCache`. */
export class CacheHandler {
  readonly #backends: Readonly<Record<string, Backend>>;
  /** One store per (backend, location) in this realm. */
  readonly #stores = new Map<Backend, Map<string, Store>>();
  #config: CachesConfig = DEFAULT_CONFIG;
  #clock: Clock = systemClock;
  #caches = new Map<string, Cache>();

  readonly #hooks: HandlerHooks;

  /** `backends`: the built-in backends, by the name `defineCaches` takes. */
  constructor(backends: Readonly<Record<string, Backend>>, hooks: HandlerHooks = {}) {
    this.#backends = backends;
    this.#hooks = hooks;
  }

  /** Replaces the configuration; every alias is validated before anything changes. */
  define(config: CachesConfig, options: DefineOptions = {}): void {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new TypeError(`cachette: defineCaches takes an object of alias → options, got ${describe(config)}`);
    }
    if (!Object.hasOwn(config, 'default')) {
      throw new TypeError(`cachette: defineCaches needs a 'default' alias (as Django's CACHES does); got ${Object.keys(config).map((a) => `'${a}'`).join(', ') || 'none'}`);
    }
    for (const [alias, options] of Object.entries(config)) resolveOptions(alias, options, this.#backends);
    if (options.clock !== undefined && typeof options.clock?.now !== 'function') {
      throw new TypeError(`cachette: the clock option must be an object with a now() method, got ${describe(options.clock)}`);
    }
    this.#config = { ...config };
    this.#clock = options.clock ?? systemClock;
    this.#caches = new Map();
  }

  /** The `Cache` for `alias`; the same instance until the configuration changes. */
  get(alias = 'default'): Cache {
    const existing = this.#caches.get(alias);
    if (existing) return existing;
    if (typeof alias !== 'string' || !Object.hasOwn(this.#config, alias)) {
      const known = Object.keys(this.#config).map((a) => `'${a}'`).join(', ');
      throw new TypeError(`cachette: unknown cache alias ${describe(alias)}; defined aliases: ${known}`);
    }
    const options = resolveOptions(alias, this.#config[alias], this.#backends);
    const created = new Cache(alias, options, this.#store(options.implementation, options.location), this.#clock);
    this.#caches.set(alias, created);
    return created;
  }

  /** Every configured alias. */
  aliases(): string[] {
    return Object.keys(this.#config);
  }

  /** The `Cache` of every configured alias. */
  caches(): Cache[] {
    return this.aliases().map((alias) => this.get(alias));
  }

  /** The registry's clock. */
  now(): number {
    return this.#clock.now();
  }

  #store(backend: Backend, location: string): Store {
    let stores = this.#stores.get(backend);
    if (!stores) this.#stores.set(backend, (stores = new Map()));
    let store = stores.get(location);
    if (!store) {
      const realm = (backend.capabilities?.sharing ?? 'realm') === 'realm';
      store = openStore(backend, location, realm ? this.#hooks.realmStoreOpened?.() : undefined);
      stores.set(location, store);
    }
    return store;
  }
}
