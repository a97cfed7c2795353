/**
 * The realm's façade (src/caches.ts): whichever entry point a context uses its caches
 * through, it hears the invalidations of other contexts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { builtinBackends } from '../src/backends/registry.js';
import { CacheHandler } from '../src/core/handler.js';
import { InvalidationBus } from '../src/core/invalidation-bus.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** Another tab: its own configuration and bus. */
function otherTab(location: string) {
  const handler = new CacheHandler(builtinBackends);
  handler.define({ default: { backend: 'memory', location } });
  const bus = new InvalidationBus(handler);
  bus.listen();
  closers.push(() => bus.close());
  return bus;
}

/** A fresh realm's façade, as a tab that has not yet called anything. */
async function freshRealm() {
  vi.resetModules();
  const realm = await import('../src/caches.js');
  const invalidations = await import('../src/invalidations.js');
  closers.push(() => invalidations.invalidationBus().close());
  return realm;
}

describe('the cache export', () => {
  it('hears other tabs’ invalidations in a context that never calls getCache', async () => {
    const location = `only-cache-${Math.random().toString(36).slice(2)}`;
    const realm = await freshRealm();
    realm.defineCaches({ default: { backend: 'memory', location } });
    await realm.cache.set('authors-count', 3);
    await otherTab(location).invalidate({ keys: ['authors-count'] });
    // Polled, not awaited through onInvalidate: subscribing would open the channel itself.
    let value: unknown = 3;
    for (let i = 0; i < 100 && value !== undefined; i += 1) {
      await new Promise((r) => setTimeout(r, 10));
      value = await realm.cache.get('authors-count');
    }
    expect(value).toBeUndefined();
  });
});
