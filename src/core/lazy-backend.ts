/**
 * A backend whose code loads on first use, so an app pays in bytes only for the backends it
 * names: a bundler splits `load`'s dynamic import into a chunk of its own, fetched when the
 * first operation on a store of that backend runs. Its name and capabilities are known at
 * once (the core reads them synchronously); nothing is stored before the code has loaded, so
 * nothing can be missed meanwhile.
 */
import { openStore, type Backend, type BackendStore } from './backend.js';
import type { Entry, EntryInfo, Store, StoreCapabilities, WritePolicy } from './store.js';

/**
 * A backend named `name`, declaring `capabilities`, whose implementation `load` imports.
 * @example lazyBackend('memory', { sharing: 'realm' }, () => import('./memory.js').then((m) => m.memoryBackend))
 */
export function lazyBackend(name: string, capabilities: StoreCapabilities, load: () => Promise<Backend>): Backend {
  let loading: Promise<Backend> | undefined;
  const loaded = (): Promise<Backend> => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined; // a failed chunk load (offline) is retried by the next operation
      throw error;
    });
    return loading;
  };
  return { name, capabilities, open: (location) => new LazyStore(location, loaded) };
}

/** Forwards every operation to the real store once its backend's code is loaded. */
class LazyStore implements Required<BackendStore> {
  readonly #location: string;
  readonly #loaded: () => Promise<Backend>;
  #store: Store | undefined;

  constructor(location: string, loaded: () => Promise<Backend>) {
    this.#location = location;
    this.#loaded = loaded;
  }

  async #real(): Promise<Store> {
    return (this.#store ??= openStore(await this.#loaded(), this.#location));
  }

  async get(key: string, now: number): Promise<Entry | undefined> {
    return (this.#store ?? (await this.#real())).get(key, now);
  }

  async getMany(keys: readonly string[], now: number): Promise<Map<string, Entry>> {
    return (await this.#real()).getMany(keys, now);
  }

  async set(entries: readonly Entry[], policy: WritePolicy): Promise<void> {
    return (await this.#real()).set(entries, policy);
  }

  async add(entry: Entry, policy: WritePolicy): Promise<boolean> {
    return (await this.#real()).add(entry, policy);
  }

  async delete(keys: readonly string[], now: number): Promise<string[]> {
    return (await this.#real()).delete(keys, now);
  }

  async touch(key: string, expires: number, now: number): Promise<boolean> {
    return (await this.#real()).touch(key, expires, now);
  }

  async update(key: string, now: number, fn: (entry: Entry) => Entry): Promise<Entry | undefined> {
    return (await this.#real()).update(key, now, fn);
  }

  async move(from: string, to: string, now: number): Promise<boolean> {
    return (await this.#real()).move(from, to, now);
  }

  async list(now: number, limit?: number): Promise<EntryInfo[]> {
    return (await this.#real()).list(now, limit);
  }

  async count(now: number): Promise<number> {
    return (await this.#real()).count(now);
  }

  async deleteTagged(tags: readonly string[], now: number): Promise<string[]> {
    return (await this.#real()).deleteTagged(tags, now);
  }

  async deletePrefix(prefix: string, now: number): Promise<number> {
    return (await this.#real()).deletePrefix(prefix, now);
  }

  async tags(prefix: string, now: number): Promise<string[]> {
    return (await this.#real()).tags(prefix, now);
  }

  async clear(): Promise<void> {
    return (await this.#real()).clear();
  }

  async close(): Promise<void> {
    // Nothing was opened if the code never loaded.
    await this.#store?.close();
  }
}
