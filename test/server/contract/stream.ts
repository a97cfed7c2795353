/**
 * The event stream: wire format, ids, replay, gaps, catch-up and heartbeat.
 */
import { describe, expect, it } from 'vitest';
import { compareEventIds } from '../../../src/server/event-id.js';
import type { ServedHub } from '../support/hub-server.js';
import type { Serve } from './index.js';

const ready = (id: string): string => `id: ${id}\nevent: ready\ndata: ${id}\n\n`;
const invalidate = (id: string, data: string): string => `id: ${id}\nevent: invalidate\ndata: ${data}\n\n`;
const reset = (id: string): string => `id: ${id}\nevent: reset\ndata: {"reason":"gap"}\n\n`;

async function publishMany(served: ServedHub, count: number, tag = 't'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) ids.push(await served.hub.publish({ tags: [`${tag}${i}`] }));
  return ids;
}

export function streamContract(serve: Serve): void {
  describe('event stream', () => {
    it('answers with SSE headers, flushed at once, then ready with the hub’s position on an empty log', async () => {
      const served = await serve();
      const stream = await served.open();
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toBe('text/event-stream');
      expect(stream.headers['cache-control']).toBe('no-store, no-transform');
      expect(stream.headers['x-accel-buffering']).toBe('no');
      expect(stream.headers.connection).toBe('keep-alive');
      const { data: position } = await stream.next('ready');
      // Its start, an id no event has (Redis: the stream is created empty), to resume from.
      expect(position).toMatch(/^\d+-\d+$/);
      expect(stream.raw()).toBe(ready(position));
      // Resuming from that position replays nothing and needs no reset.
      const again = await served.open('', { 'Last-Event-ID': position });
      expect((await again.next('ready')).data).toBe(position);
      expect(again.raw()).toBe(ready(position));
    });

    it('a client that connected before any event and comes back gets every event since, without a reset', async () => {
      const served = await serve();
      const first = await served.open();
      const { data: position } = await first.next('ready');
      first.close();
      const ids = await publishMany(served, 3);
      const back = await served.open('', { 'Last-Event-ID': position });
      await back.next('ready');
      expect(back.events.map((e) => e.event)).toEqual(['invalidate', 'invalidate', 'invalidate', 'ready']);
      expect(back.events.filter((e) => e.event === 'invalidate').map((e) => e.id)).toEqual(ids);
    });

    it('delivers a publish to a connected client in the exact wire format', async () => {
      const served = await serve();
      const stream = await served.open();
      const { data: position } = await stream.next('ready');
      const id = await served.hub.publish({ tags: ['authors'] });
      await stream.next('invalidate');
      expect(stream.raw()).toBe(ready(position) + invalidate(id, '{"tags":["authors"]}'));
      const full = { cache: 'default', keys: ['a'], tags: ['b'], prefix: 'p:', routes: ['/api/authors/:id'], all: true as const };
      await served.hub.publish(full);
      expect(JSON.parse((await stream.next('invalidate')).data)).toEqual(full);
    });

    it('issues Redis-stream ids that increase numerically, delivered in order', async () => {
      const served = await serve();
      const stream = await served.open();
      await stream.next('ready');
      const ids = await publishMany(served, 30);
      for (const [i, id] of ids.entries()) {
        expect(id).toMatch(/^\d+-\d+$/);
        if (i > 0) expect(compareEventIds(ids[i - 1] as string, id)).toBeLessThan(0);
      }
      await stream.until((s) => s.events.filter((e) => e.event === 'invalidate').length === 30, '30 events');
      expect(stream.events.filter((e) => e.event === 'invalidate').map((e) => e.id)).toEqual(ids);
    });

    it('without a resume id: no replay, ready carries the latest id, then live events', async () => {
      const served = await serve();
      const [, latest] = await publishMany(served, 2);
      const stream = await served.open();
      await stream.next('ready');
      expect(stream.raw()).toBe(ready(latest as string));
      const id = await served.hub.publish({ keys: ['k'] });
      await stream.next('invalidate');
      expect(stream.raw()).toBe(ready(latest as string) + invalidate(id, '{"keys":["k"]}'));
    });

    for (const how of ['Last-Event-ID', '?lastEventId='] as const) {
      it(`replays what the client missed after ${how}, then ready with the last id`, async () => {
        const served = await serve();
        const [a, b, c] = await publishMany(served, 3);
        const stream =
          how === 'Last-Event-ID' ? await served.open('', { 'Last-Event-ID': a as string }) : await served.open(`?lastEventId=${a}`);
        await stream.next('ready');
        expect(stream.raw()).toBe(invalidate(b as string, '{"tags":["t1"]}') + invalidate(c as string, '{"tags":["t2"]}') + ready(c as string));
      });
    }

    it('a client that is up to date gets no replay, only ready', async () => {
      const served = await serve();
      const [, b] = await publishMany(served, 2);
      const stream = await served.open('', { 'Last-Event-ID': b as string });
      await stream.next('ready');
      expect(stream.raw()).toBe(ready(b as string));
    });

    it('keeps at least `retain` events, and resets a client whose resume id is older than them', async () => {
      const served = await serve({ retain: 10 });
      const ids = await publishMany(served, 250);
      const latest = ids[249] as string;
      const behind = await served.open(`?lastEventId=${ids[239]}`);
      await behind.next('ready');
      expect(behind.events.map((e) => e.id)).toEqual([...ids.slice(240), latest]);
      expect(behind.events.some((e) => e.event === 'reset')).toBe(false);

      const gone = await served.open('', { 'Last-Event-ID': ids[0] as string });
      await gone.next('ready');
      expect(gone.raw()).toBe(reset(latest) + ready(latest));
      const id = await served.hub.publish({ all: true });
      await gone.next('invalidate');
      expect(gone.raw()).toBe(reset(latest) + ready(latest) + invalidate(id, '{"all":true}'));
    });

    it('treats a resume id that is not an id, or older than the hub, as a gap', async () => {
      const served = await serve();
      const [latest] = await publishMany(served, 1);
      for (const resume of ['garbage', '12', '1-2-3', '-1-0', '99999999999999999999999-0', '1-0']) {
        const stream = await served.open(`?lastEventId=${encodeURIComponent(resume)}`);
        await stream.next('ready');
        expect(stream.raw(), resume).toBe(reset(latest as string) + ready(latest as string));
      }
    });

    it('?catchup=1 replays (or resets), sends ready, then ends the response', async () => {
      const served = await serve({ retain: 10 });
      const ids = await publishMany(served, 250);
      const latest = ids[249] as string;
      const caughtUp = await served.open(`?catchup=1&lastEventId=${ids[247]}`);
      await caughtUp.until((s) => s.ended(), 'the response to end');
      expect(caughtUp.raw()).toBe(invalidate(ids[248] as string, '{"tags":["t248"]}') + invalidate(latest, '{"tags":["t249"]}') + ready(latest));
      const gap = await served.open(`?catchup=1&lastEventId=${ids[0]}`);
      await gap.until((s) => s.ended(), 'the response to end');
      expect(gap.raw()).toBe(reset(latest) + ready(latest));
      const fresh = await served.open('?catchup=1');
      await fresh.until((s) => s.ended(), 'the response to end');
      expect(fresh.raw()).toBe(ready(latest));
      expect(served.hub.stats().connections).toBe(0);
    });

    it('events published while a client catches up arrive once, in order, after ready', async () => {
      const served = await serve();
      const [first] = await publishMany(served, 20, 'before');
      const streams = Promise.all([1, 2, 3, 4, 5].map(() => served.open(`?lastEventId=${first}`)));
      const during = publishMany(served, 40, 'during');
      const opened = await streams;
      const all = await during;
      const last = all[all.length - 1] as string;
      for (const stream of opened) {
        await stream.until((s) => s.events.some((e) => e.id === last && e.event === 'invalidate'), 'the last event');
        const ids = stream.events.filter((e) => e.event === 'invalidate').map((e) => e.id as string);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.slice(-40)).toEqual(all);
        expect(ids.length).toBe(19 + 40);
        expect(stream.events.filter((e) => e.event === 'ready')).toHaveLength(1);
      }
    });

    it('sends a heartbeat comment every heartbeatMs', async () => {
      const served = await serve({ heartbeatMs: 40 });
      const stream = await served.open();
      await stream.until((s) => s.comments.filter((c) => c === 'hb').length >= 2, 'two heartbeats');
      expect(stream.raw()).toContain(': hb\n\n');
    });
  });
}
