/**
 * The Redis broker when Redis fails: a crash and restart without persistence (clients are
 * reset, later events delivered), a dropped connection with the data intact (no reset,
 * nothing lost), Redis absent at startup, and Redis hanging. Each test owns its redis-server.
 */
import { describe, expect, it } from 'vitest';
import { compareEventIds } from '../../src/server/event-id.js';
import { onCleanup, serveHub, uniqueStream } from './support/hub-server.js';
import { redisCli } from './support/redis-cli.js';
import { freePort, startRedis, type RedisServer } from './support/redis-server.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function ownRedis(port?: number): Promise<RedisServer> {
  const redis = await startRedis(port);
  onCleanup(() => redis.stop());
  return redis;
}

describe('redis broker faults', () => {
  it('survives a crash and restart while events flow: clients are reset, later events delivered', async () => {
    const redis = await ownRedis();
    const stream = uniqueStream();
    const served = await serveHub({ broker: { redis: redis.url, timeoutMs: 1_000 }, stream });
    const client = await served.open();
    await client.next('ready');
    const published: string[] = [];
    const failures: number[] = [];
    let flowing = true;
    const flow = (async () => {
      for (let i = 0; flowing; i += 1) {
        const started = Date.now();
        try {
          published.push(await served.hub.publish({ tags: [`t${i}`] }));
        } catch (error) {
          expect(String(error)).toMatch(/publish failed: Redis at redis:\/\/127\.0\.0\.1:\d+\S* \(stream '.+'\)/);
          failures.push(Date.now() - started);
        }
        await sleep(10);
      }
    })();
    await client.until((s) => s.events.filter((e) => e.event === 'invalidate').length >= 5, 'events before the crash');
    await redis.kill();
    await sleep(300);
    await redis.restart();
    const reset = await client.next('reset', 10_000);
    expect(reset.data).toBe('{"reason":"gap"}');
    const resetAt = client.events.indexOf(reset);
    await client.until((s) => s.events.length - resetAt > 5, 'events after the restart', 10_000);
    flowing = false;
    await flow;
    // Publishing while Redis was down failed fast (the caller decides), never hung.
    expect(failures.length).toBeGreaterThan(0);
    expect(Math.max(...failures)).toBeLessThan(1_500);
    // After the reset the client gets exactly the new stream's events after the reset's id.
    const cli = await redisCli(redis.url);
    const kept = ((await cli.sendCommand(['XRANGE', stream, '-', '+'])) as [string, unknown][]).map(([id]) => id);
    const expected = kept.filter((id) => reset.id === '' || compareEventIds(id, reset.id as string) > 0);
    const last = published[published.length - 1] as string;
    await client.until((s) => s.events.some((e) => e.id === last), 'the last published event');
    expect(client.events.slice(resetAt + 1).map((e) => e.id)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(3);
    expect(client.events.filter((e) => e.event === 'reset')).toHaveLength(1);
    expect(served.errors.map(String).join('\n')).toMatch(/is down; reconnecting[\s\S]*are gone from Redis/);
  });

  it('a dropped connection with the data intact: no reset, events written meanwhile are delivered', async () => {
    const redis = await ownRedis();
    const stream = uniqueStream();
    const served = await serveHub({ broker: { redis: redis.url }, stream });
    const client = await served.open();
    await client.next('ready');
    const before = await served.hub.publish({ tags: ['before'] });
    await client.next('invalidate');
    const cli = await redisCli(redis.url);
    await cli.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']); // the hub's connections
    const meanwhile = String(await cli.sendCommand(['XADD', stream, '*', 'target', '{"tags":["meanwhile"]}']));
    expect((await client.next('invalidate', 10_000)).id).toBe(meanwhile);
    let after: string | undefined;
    for (let i = 0; i < 100 && !after; i += 1) after = await served.hub.publish({ tags: ['after'] }).catch(() => sleep(50).then(() => undefined));
    expect((await client.next('invalidate', 10_000)).id).toBe(after);
    expect(client.events.map((e) => e.event)).toEqual(['ready', 'invalidate', 'invalidate', 'invalidate']);
    expect(compareEventIds(before, meanwhile)).toBeLessThan(0);
  });

  it('Redis absent at startup: publish rejects within timeoutMs, the stream answers 503; once up, both work', async () => {
    const port = await freePort();
    const served = await serveHub({ broker: { redis: `redis://127.0.0.1:${port}`, timeoutMs: 300 }, stream: uniqueStream() });
    const started = Date.now();
    await expect(served.hub.publish({ all: true })).rejects.toThrow(/did not answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(1_000);
    const refused = await served.open();
    expect([refused.status, refused.headers['retry-after']]).toEqual([503, '5']);
    await ownRedis(port);
    const client = await served.open();
    expect(client.status).toBe(200);
    await client.next('ready');
    const id = await served.hub.publish({ all: true });
    expect((await client.next('invalidate')).id).toBe(id);
  });

  it('Redis that stops answering: publish rejects after timeoutMs instead of hanging', async () => {
    const redis = await ownRedis();
    const served = await serveHub({ broker: { redis: redis.url, timeoutMs: 400 }, stream: uniqueStream() });
    await served.hub.publish({ all: true });
    const pid = redis.pid() as number;
    process.kill(pid, 'SIGSTOP');
    onCleanup(() => process.kill(pid, 'SIGCONT'));
    const started = Date.now();
    await expect(served.hub.publish({ all: true })).rejects.toThrow(/did not answer within 400 ms \(the event may or may not be in the stream\)/);
    expect(Date.now() - started).toBeLessThan(1_000);
    process.kill(pid, 'SIGCONT');
  });
});
