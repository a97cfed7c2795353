/**
 * The built-in backends, by the name `defineCaches` takes. Adding a backend is one file in
 * this folder and one line here; a backend of your own is passed as an object instead.
 */
import type { Backend, BackendName } from '../core/backend.js';
import { cacheStorageBackend } from './cache-storage.js';
import { dummyBackend } from './dummy.js';
import { idbBackend } from './idb.js';
import { memoryBackend } from './memory.js';

/** Every backend Cachette ships, by name. */
export const builtinBackends: Readonly<Record<BackendName, Backend>> = {
  idb: idbBackend,
  'cache-storage': cacheStorageBackend,
  memory: memoryBackend,
  dummy: dummyBackend,
};
