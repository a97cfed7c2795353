// @vitest-environment node
/**
 * The whole push path under faults, in Node with real parts: the real hub (memory broker,
 * and Redis Streams on a real redis-server), served over node:http, and two "tabs" running
 * the page's real client (each its own caches and bus, sharing a lock manager, the
 * BroadcastChannel and fake IndexedDB, as an origin's tabs share theirs). 10,000 events are
 * published while the hub's connections are cut at random: every tab must hear every event
 * exactly once, in order.
 */
import 'fake-indexeddb/auto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinBackends } from '../../src/backends/registry.js';
import { CacheHandler } from '../../src/core/handler.js';
import type { InvalidateTarget } from '../../src/core/invalidate-target.js';
import { InvalidationBus } from '../../src/core/invalidation-bus.js';
import { onCacheError } from '../../src/core/report.js';
import { resolveConnectOptions, resolveHubUrl } from '../../src/page/connect-invalidations.js';
import { startPushClient } from '../../src/page/push-client.js';
import { createInvalidationHub } from '../../src/server/index.js';
import { startRedis } from '../server/support/redis-server.js';
import { fakeLocks } from '../support/fake-locks.js';

const EVENTS = 10_000;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A seeded generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function serve(broker: 'memory' | { redis: string }) {
  const hub = createInvalidationHub({ broker, stream: `faults-${Math.random().toString(36).slice(2)}`, retain: EVENTS * 2 });
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    open.add(res);
    res.once('close', () => open.delete(res));
    void hub.handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    await hub.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cachette/events`;
  return { hub, url, open };
}

function tab(url: string, locks: ReturnType<typeof fakeLocks>) {
  const handler = new CacheHandler(builtinBackends);
  handler.define({ default: { backend: 'memory', location: `faults-${Math.random().toString(36).slice(2)}` } });
  const bus = new InvalidationBus(handler);
  const heard: string[] = [];
  bus.onInvalidate((target: InvalidateTarget) => heard.push(target.keys?.[0] ?? JSON.stringify(target)));
  // Fast reconnects: the faults here are cuts, not an origin that is down.
  const connection = startPushClient(resolveHubUrl(url), { bus, ...resolveConnectOptions({ locks, random: () => 0.01 }) });
  cleanups.push(() => connection.close(), () => bus.close());
  return { heard, connection };
}

describe.each([
  ['memory', async () => 'memory' as const],
  [
    'redis',
    async () => {
      const redis = await startRedis();
      cleanups.push(() => redis.stop());
      return { redis: redis.url };
    },
  ],
])('10,000 events with random disconnects, %s broker', (_name, broker) => {
  it('0 lost, 0 applied twice, in order, in every tab', { timeout: 120_000 }, async () => {
    const silenced = onCacheError(() => {}); // reconnect notices are expected here
    cleanups.push(silenced);
    const { hub, url, open } = await serve(await broker());
    const locks = fakeLocks();
    const tabs = [tab(url, locks), tab(url, locks)];
    await Promise.all(tabs.map((t) => t.connection.ready));
    const next = random(42);
    let cuts = 0;
    for (let i = 0; i < EVENTS; i += 1) {
      await hub.publish({ keys: [`k${i}`] });
      if (next() < 0.002) {
        for (const res of open) res.destroy();
        cuts += 1;
      }
      // Let the stream flow now and then, so cuts land with events in flight.
      if (i % 250 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    expect(cuts).toBeGreaterThan(5);
    const expected = Array.from({ length: EVENTS }, (_, i) => `k${i}`);
    const end = Date.now() + 90_000;
    while (tabs.some((t) => t.heard.length < EVENTS) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    for (const t of tabs) {
      expect(t.heard.length).toBe(EVENTS);
      expect(t.heard).toEqual(expected);
    }
  });
});
