/**
 * The built-in names: each stands for its backend module, declaring the same name and
 * capabilities as the module (the non-default ones load on first use), and a lazily loaded
 * backend that failed to load (a chunk fetched offline) is tried again by the next call.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { cacheStorageBackend } from '../../src/backends/cache-storage.js';
import { dummyBackend } from '../../src/backends/dummy.js';
import { idbBackend } from '../../src/backends/idb.js';
import { memoryBackend } from '../../src/backends/memory.js';
import { builtinBackends } from '../../src/backends/registry.js';
import { openStore } from '../../src/core/backend.js';
import { lazyBackend } from '../../src/core/lazy-backend.js';

describe('built-in backends', () => {
  it('declare, by name, what their modules declare', () => {
    const modules = { idb: idbBackend, 'cache-storage': cacheStorageBackend, memory: memoryBackend, dummy: dummyBackend };
    for (const [name, backend] of Object.entries(modules)) {
      const registered = builtinBackends[name as keyof typeof modules];
      expect(registered.name).toBe(name);
      expect(backend.name).toBe(name);
      expect(registered.capabilities).toEqual(backend.capabilities);
    }
  });

  it('a lazy backend loads once, on the first operation, and retries a failed load', async () => {
    let loads = 0;
    const lazy = lazyBackend('memory', { sharing: 'realm' }, async () => {
      loads += 1;
      if (loads === 1) throw new Error('chunk failed to load');
      return memoryBackend;
    });
    const store = openStore(lazy, 'lazy-test');
    expect(loads).toBe(0);
    expect(store.capabilities).toEqual({ sharing: 'realm' });
    const now = Date.now();
    const entry = { key: 'k', value: 1, expires: Infinity, tags: [], size: 8, used: now };
    await expect(store.set([entry], { maxEntries: 10, cullFrequency: 3, now })).rejects.toThrow('chunk failed to load');
    await store.set([entry], { maxEntries: 10, cullFrequency: 3, now });
    expect((await store.get('k', now))?.value).toBe(1);
    expect(loads).toBe(2);
    await store.close();
  });
});
