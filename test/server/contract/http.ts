/**
 * The middleware's HTTP side and the hub's lifecycle: routing, methods, validation of what
 * is published, close, disconnects and slow clients.
 */
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createInvalidationHub } from '../../../src/server/index.js';
import { onCleanup } from '../support/hub-server.js';
import { openStream } from '../support/sse-client.js';
import type { Serve } from './index.js';

async function eventually(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function httpContract(serve: Serve): void {
  describe('http and lifecycle', () => {
    it('passes other paths to next(), answers 404 without next, and serves a custom path', async () => {
      const served = await serve();
      for (const path of ['/other', '/cachette/events/x', '/cachette/eventsX', '/']) {
        const other = await openStream(`${served.origin}${path}`);
        await other.until((s) => s.ended(), 'the answer');
        expect([path, other.status, other.raw()]).toEqual([path, 418, 'next']);
      }
      const hub = createInvalidationHub();
      const bare = http.createServer((req, res) => void hub.handler(req, res)).listen(0, '127.0.0.1');
      await once(bare, 'listening');
      onCleanup(() => new Promise((resolve) => bare.close(resolve)));
      onCleanup(() => hub.close());
      const missing = await openStream(`http://127.0.0.1:${(bare.address() as net.AddressInfo).port}/nope`);
      expect(missing.status).toBe(404);
      const custom = await serve({ path: '/sse' });
      const stream = await openStream(`${custom.origin}/sse?x=1`);
      onCleanup(() => stream.close());
      await stream.next('ready');
      expect((await openStream(`${custom.origin}/cachette/events`)).status).toBe(418);
    });

    it('answers 405 with Allow: GET to other methods', async () => {
      const served = await serve();
      for (const method of ['POST', 'PUT', 'DELETE', 'HEAD']) {
        const answer = await openStream(served.url(), { method });
        expect([method, answer.status, answer.headers.allow]).toEqual([method, 405, 'GET']);
      }
      expect(served.hub.stats().connections).toBe(0);
    });

    it('rejects a bad target with a TypeError naming the field, and publishes nothing', async () => {
      const served = await serve();
      const stream = await served.open();
      await stream.next('ready');
      const bad: [unknown, RegExp][] = [
        [{ tags: ['a'], nope: 1 }, /unknown invalidate field 'nope'; accepted: cache, keys, prefix, tags, routes, all/],
        [{ routes: [/^\/api\//] }, /routes must be path patterns.*RegExp cannot travel as JSON/],
        [{ routes: ['/ok', /x/] }, /routes/],
        [{ routes: ['no-slash'] }, /routes must be an array of path patterns/],
        [{}, /needs at least one of keys, prefix, tags, routes or all/],
        [{ keys: 'a' }, /keys must be an array of strings/],
        [{ all: false }, /all must be true/],
        [null, /invalidate takes an object/],
        ['tags', /invalidate takes an object/],
      ];
      for (const [target, message] of bad) {
        const publishing = served.hub.publish(target as never);
        await expect(publishing).rejects.toThrow(TypeError);
        await expect(publishing).rejects.toThrow(message);
      }
      await expect(served.hub.publish({ all: true }, { nope: 1 } as never)).rejects.toThrow(/publish options must be an object like \{ audience/);
      const id = await served.hub.publish({ all: true });
      await stream.next('invalidate');
      expect(stream.events.filter((e) => e.event === 'invalidate').map((e) => e.id)).toEqual([id]);
    });

    it('close() ends every open stream, is idempotent, and refuses what comes after', async () => {
      const served = await serve();
      const first = await served.hub.publish({ tags: ['a'] });
      const streams = await Promise.all([served.open(), served.open(`?lastEventId=${first}`), served.open()]);
      await Promise.all(streams.map((s) => s.next('ready')));
      expect(served.hub.stats().connections).toBe(3);
      await served.hub.close();
      await Promise.all(streams.map((s) => s.until((x) => x.ended(), 'the stream to end')));
      await served.hub.close();
      expect(served.hub.stats().connections).toBe(0);
      await expect(served.hub.publish({ all: true })).rejects.toThrow(/closed/);
      const late = await served.open();
      expect(late.status).toBe(503);
    });

    it('forgets a client that disconnects; the others keep receiving', async () => {
      const served = await serve();
      const streams = await Promise.all([served.open(), served.open(), served.open()]);
      await Promise.all(streams.map((s) => s.next('ready')));
      expect(served.hub.stats().connections).toBe(3);
      streams[0]?.close();
      streams[1]?.close();
      await eventually(() => served.hub.stats().connections === 1, 'two subscribers to be removed');
      const id = await served.hub.publish({ keys: ['k'] });
      expect((await streams[2]?.next('invalidate'))?.id).toBe(id);
      streams[2]?.close();
      await eventually(() => served.hub.stats().connections === 0, 'the last subscriber to be removed');
    });

    it('drops a client that stops reading, without slowing the others', async () => {
      const served = await serve({ retain: 50 });
      const fast = await served.open();
      await fast.next('ready');
      // A client that never reads: its socket fills, then the hub's backlog for it.
      const slow = net.connect(Number(new URL(served.origin).port), '127.0.0.1');
      onCleanup(() => slow.destroy());
      slow.write('GET /cachette/events HTTP/1.1\r\nHost: test\r\n\r\n');
      slow.pause();
      await eventually(() => served.hub.stats().connections === 2, 'the slow client to connect');
      const keys = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(2_000, 'x'));
      const ids: string[] = [];
      const started = Date.now();
      while (served.hub.stats().dropped === 0) {
        if (ids.length > 3_000) throw new Error('the slow client was never dropped');
        ids.push(await served.hub.publish({ keys }));
        // Give sockets a turn, as a server between requests would.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const last = ids[ids.length - 1];
      await fast.until((s) => s.events.some((e) => e.id === last), 'the fast client to receive everything', 20_000);
      expect(fast.events.filter((e) => e.event === 'invalidate').map((e) => e.id)).toEqual(ids);
      expect(served.hub.stats()).toMatchObject({ connections: 1, dropped: 1 });
      expect(Date.now() - started).toBeLessThan(20_000);
    });
  });
}
