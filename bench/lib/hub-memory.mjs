// The hub's memory per idle connection, for push-fanout: a fresh hub process
// (bench/lib/hub-process.mjs, `node --expose-gc`) per measurement, so nothing else it did
// (publishing, other connections) is in the numbers.
import { startHubProcess } from './hub-process.mjs';
import { connectSseClients } from './sse-clients.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Memory of a fresh hub process before and after `count` idle clients connect to `variant`
 * (after `gc()`), then after `count` more: the first delta carries V8's one-time heap growth
 * (the young generation grows to its working size whatever the count), the second is the
 * marginal cost of a connection. `variant`: 'raw' (a bare SSE endpoint), 'memory' or 'redis'.
 * @returns {Promise<{ before: object, first: object, second: object, perConnection: object, marginal: object, connectMs: number }>}
 */
export async function measureHubMemory(variant, count, { redisUrl, log = () => {} } = {}) {
  const hub = await startHubProcess({ brokers: variant === 'raw' ? [] : [variant], redisUrl, stream: `bench:push-fanout:${variant}` }, { log });
  const url = variant === 'raw' ? `${hub.origin}/raw/events` : `${hub.origin}/hub/${variant}/events`;
  const open = async () => {
    const stats = await hub.request('stats');
    return variant === 'raw' ? stats.raw : stats.hubs[variant].connections;
  };
  const until = async (n) => {
    const deadline = Date.now() + 10_000;
    while ((await open()) !== n) {
      if (Date.now() > deadline) throw new Error(`${variant}: the hub process kept ${await open()} connections, expected ${n}`);
      await sleep(20);
    }
  };
  const usage = async () => {
    const { usage: u, gc } = await hub.request('memory');
    if (!gc) throw new Error('the hub process has no global gc(): it must run with --expose-gc');
    return u;
  };
  const perConnection = (after, before) => Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] - before[k]) / count]));
  const pools = [];
  try {
    // Loads what the first connections load (the redis client, the SSE code paths).
    const warm = await connectSseClients(url, 20);
    warm.close();
    await until(0);
    const before = await usage();
    const t0 = performance.now();
    pools.push(await connectSseClients(url, count));
    const connectMs = performance.now() - t0;
    await until(count);
    await sleep(300);
    const first = await usage();
    pools.push(await connectSseClients(url, count));
    await until(2 * count);
    await sleep(300);
    const second = await usage();
    return { before, first, second, perConnection: perConnection(first, before), marginal: perConnection(second, first), connectMs };
  } finally {
    for (const pool of pools) pool.close();
    await hub.close();
  }
}
