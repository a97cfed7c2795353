/**
 * The `dummy` backend, as Django's DummyCache: implements the interface and caches nothing.
 */
import type { Backend, BackendStore } from '../core/backend.js';

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
