/**
 * The backend registry: name → store factory. Adding a backend is one file in this
 * folder and one line here.
 */
import type { BackendName } from '../core/options.js';
import type { StoreFactory } from '../core/store.js';
import { createCacheStorageStore } from './cache-storage.js';
import { createDummyStore } from './dummy.js';
import { createIdbStore } from './idb.js';
import { createMemoryStore } from './memory.js';

/** Every backend Cachette ships, by the name `defineCaches` takes. */
export const builtinBackends: Readonly<Record<BackendName, StoreFactory>> = {
  idb: createIdbStore,
  'cache-storage': createCacheStorageStore,
  memory: createMemoryStore,
  dummy: createDummyStore,
};
