/**
 * The built-in backends, by the name `defineCaches` takes. `idb` is the default and is
 * bundled with the core; the others load on first use (`lazyBackend`), so an app pays only
 * for the backends it names. Adding a backend is one file in this folder and one line
 * here; a backend of your own is passed as an object instead.
 */
import type { Backend, BackendName } from '../core/backend.js';
import { lazyBackend } from '../core/lazy-backend.js';
import { idbBackend } from './idb.js';

/** Every backend Cachette ships, by name. Their capabilities are declared here and in each module (a test keeps them equal). */
export const builtinBackends: Readonly<Record<BackendName, Backend>> = {
  idb: idbBackend,
  'cache-storage': lazyBackend('cache-storage', { sharing: 'origin', values: 'json', nativeResponses: true }, () =>
    import('./cache-storage.js').then((m) => m.cacheStorageBackend),
  ),
  memory: lazyBackend('memory', { sharing: 'realm' }, () => import('./memory.js').then((m) => m.memoryBackend)),
  dummy: lazyBackend('dummy', { sharing: 'none' }, () => import('./dummy.js').then((m) => m.dummyBackend)),
};
