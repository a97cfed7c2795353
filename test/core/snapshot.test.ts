/** The devtools snapshot: one shape from `snapshotCache` to the panel, checked once as it crosses the protocol. */
import { describe, expect, it } from 'vitest';
import { storeId } from '../../src/core/apply-invalidation.js';
import { message, parseMessage, PROTOCOL_VERSION } from '../../src/core/protocol.js';
import { snapshotCache, type WorkerSnapshot } from '../../src/core/snapshot.js';
import { defineCaches, getCache } from '../../src/index.js';

async function workerSnapshot(): Promise<WorkerSnapshot> {
  defineCaches({ default: { backend: 'memory', location: `snap-${Math.random()}` } });
  const cache = getCache();
  await cache.set('forever', 1, null, { tags: ['t'] });
  await cache.set('soon', 2, 60);
  const counters = { hits: 1, misses: 2, stored: 3, notStored: 0, errors: 0, revalidations: 4, stale: 5 };
  return {
    scope: 'https://app.test/',
    scriptURL: 'https://app.test/sw.js',
    caches: [await snapshotCache(cache, Date.now())],
    routes: [{ id: 'route:0.0:/api/:id', kind: 'route', match: '/api/:id', ttl: null, cache: 'default', keyPrefix: '', tags: ['api'], invalidatedBy: ['/^https:/'], staleWhileRevalidate: 30, staleIfError: 86400, ignoreParams: ['fbclid', '/^utm_/'] }],
    stats: { routes: { 'route:0.0:/api/:id': counters }, caches: { default: counters } },
    errors: [{ context: 'reading x', message: 'QuotaExceededError: full', time: 1 }],
  };
}

describe('the devtools snapshot', () => {
  it('names its store with storeId', async () => {
    const snap = await workerSnapshot();
    expect(snap.caches[0]?.store).toBe(storeId(getCache().store));
    expect(snap.caches[0]?.entries.map((e) => e.expires)).toContain(Infinity);
  });

  it('crosses the protocol as is', async () => {
    const snapshot = structuredClone(await workerSnapshot());
    expect(parseMessage(message({ type: 'devtools-snapshot', id: 'a', snapshot }))).toEqual({ type: 'devtools-snapshot', id: 'a', snapshot, cachette: PROTOCOL_VERSION });
  });

  it('is dropped when any leaf is malformed', async () => {
    const good = await workerSnapshot();
    const breakages: ((s: Record<string, any>) => void)[] = [
      (s) => delete s.scope,
      (s) => (s.caches = {}),
      (s) => (s.caches[0].store = undefined),
      (s) => (s.caches[0].hits = '1'),
      (s) => (s.caches[0].timeout = Number.NaN),
      (s) => (s.caches[0].error = 42),
      (s) => (s.caches[0].entries[0].key = 1),
      (s) => (s.caches[0].entries[0].expires = Number.NaN),
      (s) => (s.caches[0].entries[0].tags = ['ok', 2]),
      (s) => (s.routes[0].kind = 'other'),
      (s) => (s.routes[0].ttl = Infinity),
      (s) => (s.routes[0].invalidatedBy = [/x/]),
      (s) => (s.stats.routes['route:0.0:/api/:id'].hits = undefined),
      (s) => (s.stats.routes['route:0.0:/api/:id'].revalidations = '4'),
      (s) => (s.stats.caches.default.stale = Number.NaN),
      (s) => (s.routes[0].staleWhileRevalidate = '30'),
      (s) => (s.routes[0].staleIfError = null),
      (s) => (s.routes[0].ignoreParams = [/^utm_/]),
      (s) => (s.stats.caches = null),
      (s) => (s.errors[0].time = '1'),
    ];
    for (const [i, breakIt] of breakages.entries()) {
      const snapshot = structuredClone(good) as Record<string, any>;
      breakIt(snapshot);
      expect(parseMessage({ type: 'devtools-snapshot', id: 'a', snapshot, cachette: PROTOCOL_VERSION }), `breakage ${i}`).toBeUndefined();
    }
  });
});
