/**
 * The `dummy` backend, as Django's DummyCache: implements the interface and caches nothing.
 */
import type { Store, StoreFactory } from '../core/store.js';

/** A store that keeps nothing: every read misses, `add` reports success. */
export const createDummyStore: StoreFactory = (location) => {
  const store: Store = {
    backend: 'dummy',
    location,
    capabilities: { sharing: 'none', atomicUpdate: true, persistent: false },
    get: async () => undefined,
    getMany: async () => new Map(),
    set: async () => {},
    add: async () => true,
    delete: async () => [],
    touch: async () => false,
    update: async () => undefined,
    move: async () => false,
    list: async () => [],
    deleteTagged: async () => [],
    clear: async () => {},
    close: async () => {},
  };
  return store;
};
