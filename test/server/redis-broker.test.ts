/**
 * What only the Redis broker does: events written to the stream by anyone (Django, a
 * shell) are delivered, malformed entries are skipped and reported, several hubs share one
 * stream, and close() lets go of Redis. Against a real redis-server.
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHub, uniqueStream } from './support/hub-server.js';
import { redisCli } from './support/redis-cli.js';
import { startRedis, type RedisServer } from './support/redis-server.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const byUser = (req: IncomingMessage): string | null => {
  const user = req.headers['x-user'];
  return typeof user === 'string' ? user : null;
};

describe('redis broker', () => {
  it('delivers entries XADDed by another client, as Django would write them', async () => {
    const stream = uniqueStream();
    const served = await serveHub({ broker: { redis: redis.url }, stream, audience: byUser });
    const [alice, bob] = await Promise.all([served.open('', { 'x-user': 'alice' }), served.open('', { 'x-user': 'bob' })]);
    const [{ data: position }] = await Promise.all([alice.next('ready'), bob.next('ready')]);
    // The hub created the stream empty: its position is the id of an entry no one will see.
    expect(position).toMatch(/^\d+-\d+$/);
    const cli = await redisCli(redis.url);
    const xadd = async (...fields: string[]): Promise<string> => String(await cli.sendCommand(['XADD', stream, '*', ...fields]));
    const open = await xadd('target', '{"tags":["authors"]}');
    // Pretty-printed JSON must not break the SSE framing: the hub re-serializes it on one line.
    const pretty = await xadd('target', '{\n  "routes": ["/api/authors/:id"]\n}', 'source', 'django');
    const mine = await xadd('target', '{"keys":["profile"]}', 'audience', '["alice"]');
    await alice.until((s) => s.events.some((e) => e.id === mine), 'the private event');
    await bob.until((s) => s.events.some((e) => e.id === pretty), 'the public events');
    expect(alice.raw()).toBe(
      `id: ${position}\nevent: ready\ndata: ${position}\n\n` +
        `id: ${open}\nevent: invalidate\ndata: {"tags":["authors"]}\n\n` +
        `id: ${pretty}\nevent: invalidate\ndata: {"routes":["/api/authors/:id"]}\n\n` +
        `id: ${mine}\nevent: invalidate\ndata: {"keys":["profile"]}\n\n`,
    );
    await served.hub.publish({ all: true });
    await bob.next('invalidate');
    await bob.next('invalidate');
    await bob.next('invalidate');
    expect(bob.raw()).not.toContain('profile');
    expect(served.errors).toEqual([]);
  });

  it('writes XADD entries other languages can read: target, and audience as a JSON array', async () => {
    const stream = uniqueStream();
    const served = await serveHub({ broker: { redis: redis.url }, stream, audience: byUser });
    const open = await served.hub.publish({ tags: ['a'] });
    const mine = await served.hub.publish({ keys: ['k'] }, { audience: ['alice', 'staff'] });
    const cli = await redisCli(redis.url);
    expect(await cli.sendCommand(['XRANGE', stream, '-', '+'])).toEqual([
      [open, ['target', '{"tags":["a"]}']],
      [mine, ['target', '{"keys":["k"]}', 'audience', '["alice","staff"]']],
    ]);
  });

  it('skips and reports malformed entries; later good ones are still delivered', async () => {
    const stream = uniqueStream();
    const served = await serveHub({ broker: { redis: redis.url }, stream, audience: byUser });
    const client = await served.open('', { 'x-user': 'bob' });
    await client.next('ready');
    const cli = await redisCli(redis.url);
    const garbage: string[][] = [
      ['foo', 'bar'],
      ['target', '{not json'],
      ['target', '{"nope":1}'],
      ['target', '"tags"'],
      ['target', '{"tags":["x"]}', 'audience', 'bob'],
      ['target', '{"tags":["x"]}', 'audience', '[]'],
      ['target', '{"tags":["x"]}', 'audience', '{"bob":true}'],
    ];
    const xadd = async (...fields: string[]): Promise<string> => String(await cli.sendCommand(['XADD', stream, '*', ...fields]));
    const bad: string[] = [];
    for (const fields of garbage) bad.push(await xadd(...fields));
    const good = await xadd('target', '{"tags":["good"]}');
    await client.until((s) => s.events.some((e) => e.id === good), 'the good entry');
    expect(client.events.filter((e) => e.event === 'invalidate').map((e) => e.id)).toEqual([good]);
    const reported = served.errors.map(String);
    expect(reported).toHaveLength(garbage.length);
    for (const [i, id] of bad.entries()) expect(reported[i]).toContain(`skipped entry ${id}`);
    expect(reported[0]).toMatch(/no 'target' field/);
    expect(reported[1]).toMatch(/not JSON/);
    expect(reported[2]).toMatch(/unknown invalidate field 'nope'/);
    expect(reported[4]).toMatch(/'audience' field is not valid/);
    // A resuming client is not sent the garbage either, and the hub did not crash.
    const resumed = await served.open(`?lastEventId=${bad[0]}`, { 'x-user': 'bob' });
    await resumed.next('ready');
    expect(resumed.events.map((e) => [e.event, e.id])).toEqual([['invalidate', good], ['ready', good]]);
  });

  it('two hubs on one stream (two app servers): a publish on one reaches the clients of both, same id', async () => {
    const stream = uniqueStream();
    const [one, two] = await Promise.all([serveHub({ broker: { redis: redis.url }, stream }), serveHub({ broker: { redis: redis.url }, stream })]);
    const [a, b] = await Promise.all([one.open(), two.open()]);
    await Promise.all([a.next('ready'), b.next('ready')]);
    const first = await one.hub.publish({ tags: ['from-one'] });
    const second = await two.hub.publish({ tags: ['from-two'] });
    for (const client of [a, b]) {
      expect((await client.next('invalidate')).id).toBe(first);
      expect((await client.next('invalidate')).id).toBe(second);
    }
    expect(a.raw()).toBe(b.raw());
    // A client of one resumes on the other.
    const moved = await two.open('', { 'Last-Event-ID': first });
    expect((await moved.next('invalidate')).id).toBe(second);
    expect((await moved.next('ready')).data).toBe(second);
  });

  it('the empty stream’s position: kept when events follow, a reset once the stream is lost or trimmed past it', async () => {
    const cli = await redisCli(redis.url);
    const positionOf = async (served: Awaited<ReturnType<typeof serveHub>>): Promise<string> => {
      const client = await served.open();
      const { data } = await client.next('ready');
      client.close();
      return data;
    };
    // Deleted and created again (FLUSHDB, Redis restarted empty): the old position cannot be trusted.
    const lostStream = uniqueStream();
    const lost = await serveHub({ broker: { redis: redis.url }, stream: lostStream });
    const before = await positionOf(lost);
    await cli.sendCommand(['DEL', lostStream]);
    await lost.hub.publish({ tags: ['after-loss'] });
    const back = await lost.open('', { 'Last-Event-ID': before });
    expect((await back.next('reset')).data).toBe('{"reason":"gap"}');

    // Trimmed past it (more than retain events while away): a reset too.
    const trimmedStream = uniqueStream();
    const trimmed = await serveHub({ broker: { redis: redis.url }, stream: trimmedStream });
    const start = await positionOf(trimmed);
    for (let i = 0; i < 3; i += 1) await cli.sendCommand(['XADD', trimmedStream, 'MAXLEN', '1', '*', 'target', `{"keys":["k${i}"]}`]);
    const away = await trimmed.open('', { 'Last-Event-ID': start });
    expect((await away.next('reset')).data).toBe('{"reason":"gap"}');
  });

  it('close() ends the streams and quits its Redis connections', async () => {
    const cli = await redisCli(redis.url);
    const clients = async (): Promise<number> => String(await cli.sendCommand(['CLIENT', 'LIST'])).trim().split('\n').length;
    const before = await clients();
    const served = await serveHub({ broker: { redis: redis.url }, stream: uniqueStream() });
    const stream = await served.open();
    await stream.next('ready');
    expect(await clients()).toBe(before + 2); // one for commands, one blocked in XREAD
    const started = Date.now();
    await served.hub.close();
    expect(Date.now() - started).toBeLessThan(1_000); // does not wait out the XREAD block
    await stream.until((s) => s.ended(), 'the stream to end');
    for (let i = 0; i < 50 && (await clients()) !== before; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(await clients()).toBe(before);
  });
});
