/**
 * The built-in names: each stands for its backend module, under the module's own name.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { cacheStorageBackend } from '../../src/backends/cache-storage.js';
import { dummyBackend } from '../../src/backends/dummy.js';
import { idbBackend } from '../../src/backends/idb.js';
import { memoryBackend } from '../../src/backends/memory.js';
import { builtinBackends } from '../../src/backends/registry.js';

describe('built-in backends', () => {
  it('stand for their modules, by name', () => {
    const modules = { idb: idbBackend, 'cache-storage': cacheStorageBackend, memory: memoryBackend, dummy: dummyBackend };
    for (const [name, backend] of Object.entries(modules)) {
      const registered = builtinBackends[name as keyof typeof modules];
      expect(registered.name).toBe(name);
      expect(backend.name).toBe(name);
      expect(registered).toBe(backend);
    }
  });

});
