/**
 * The `dummy` backend, as Django's DummyCache: implements the interface and caches nothing.
 */
import { openStore, type Backend, type BackendStore } from '../core/backend.js';
import type { Store } from '../core/store.js';

/**
 * The `dummy` backend: keeps nothing; every read misses, `add` reports success.
 * @example defineCaches({ default: { backend: dummyBackend } });
 */
export const dummyBackend: Backend = {
  name: 'dummy',
  capabilities: { sharing: 'none' },
  open: () => {
    const store: BackendStore = {
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
    };
    return store;
  },
};

/** The `dummy` store for a location, as the core uses it. */
export function createDummyStore(location: string): Store {
  return openStore(dummyBackend, location);
}
