/**
 * Private changes stay private: an event published for an audience reaches only the
 * connections whose `audience(req)` includes it, live, on replay and on catch-up, checked
 * on the raw bytes each client received, not only on parsed events.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { SseStream } from '../support/sse-client.js';
import type { Serve } from './index.js';

// The user comes from a cookie, as a session would; async, as a session lookup would be.
const fromCookie = async (req: IncomingMessage): Promise<string[] | null> => {
  const user = /(?:^|;\s*)user=(\w+)/.exec(req.headers.cookie ?? '')?.[1];
  if (!user) return null;
  return user === 'carol' ? ['carol', 'staff'] : [user];
};
const as = (user: string): Record<string, string> => ({ Cookie: `theme=dark; user=${user}` });

const SECRET = 'alice-secret-tag';

function invalidateIds(stream: SseStream): (string | undefined)[] {
  return stream.events.filter((e) => e.event === 'invalidate').map((e) => e.id);
}

export function audienceContract(serve: Serve): void {
  describe('audience', () => {
    async function publishMix(served: Awaited<ReturnType<Serve>>) {
      const secret = await served.hub.publish({ tags: [SECRET] }, { audience: 'alice' });
      const open = await served.hub.publish({ tags: ['public'] });
      const both = await served.hub.publish({ keys: ['shared'] }, { audience: ['alice', 'bob'] });
      const staff = await served.hub.publish({ prefix: 'staff:' }, { audience: 'staff' });
      return { secret, open, both, staff };
    }

    function expectPrivate(bob: SseStream, alice: SseStream, carol: SseStream, ids: Awaited<ReturnType<typeof publishMix>>): void {
      expect(bob.raw()).not.toContain(SECRET);
      expect(bob.raw()).not.toContain(`id: ${ids.secret}\nevent: invalidate`);
      expect(bob.raw()).not.toContain('staff:');
      expect(invalidateIds(bob)).toEqual([ids.open, ids.both]);
      expect(invalidateIds(alice)).toEqual([ids.secret, ids.open, ids.both]);
      expect(invalidateIds(carol)).toEqual([ids.open, ids.staff]);
      expect(carol.raw()).not.toContain(SECRET);
    }

    it('live: an event for alice reaches alice only; a public one reaches everyone', async () => {
      const served = await serve({ audience: fromCookie });
      const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((u) => served.open('', as(u))));
      await Promise.all([alice, bob, carol].map((s) => s?.next('ready')));
      const ids = await publishMix(served);
      const last = await served.hub.publish({ tags: ['end'] });
      const sawEnd = (s: SseStream): boolean => s.events.some((e) => e.id === last);
      await Promise.all([alice, bob, carol].map((s) => s?.until(sawEnd, 'the last public event')));
      for (const s of [alice, bob, carol]) s?.events.splice(-1);
      expectPrivate(bob as SseStream, alice as SseStream, carol as SseStream, ids);
    });

    it('replay: a resuming client is sent only what is for it', async () => {
      const served = await serve({ audience: fromCookie });
      const start = await served.hub.publish({ tags: ['start'] });
      const ids = await publishMix(served);
      const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((u) => served.open('', { ...as(u), 'Last-Event-ID': start })));
      await Promise.all([alice, bob, carol].map((s) => s?.next('ready')));
      expectPrivate(bob as SseStream, alice as SseStream, carol as SseStream, ids);
    });

    it('catch-up: the one-round-trip answer holds only what is for the client', async () => {
      const served = await serve({ audience: fromCookie });
      const start = await served.hub.publish({ tags: ['start'] });
      const ids = await publishMix(served);
      const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((u) => served.open(`?catchup=1&lastEventId=${start}`, as(u))));
      await Promise.all([alice, bob, carol].map((s) => s?.until((x) => x.ended(), 'the end of the catch-up')));
      expectPrivate(bob as SseStream, alice as SseStream, carol as SseStream, ids);
    });

    it('refuses with 401 when audience returns null, throws or rejects', async () => {
      const refusals = [() => null, () => { throw new Error('no session'); }, async () => Promise.reject(new Error('db down'))];
      for (const audience of refusals) {
        const served = await serve({ audience });
        const stream = await served.open();
        await stream.until((s) => s.ended(), 'the 401 to end');
        expect(stream.status).toBe(401);
        expect(stream.headers['content-type']).toMatch(/^text\/plain/);
        expect(stream.raw()).toMatch(/not allowed/);
        expect(served.hub.stats().connections).toBe(0);
      }
      const served = await serve({ audience: () => 42 as unknown as string });
      const stream = await served.open();
      expect(stream.status).toBe(401);
      expect(String(served.errors[0])).toMatch(/audience\(req\) must return a string, an array of strings or null, got number 42/);
    });

    it('a hub without audience rejects a publish that names one, and validates audiences', async () => {
      const plain = await serve();
      await expect(plain.hub.publish({ tags: ['x'] }, { audience: 'alice' })).rejects.toThrow(TypeError);
      await expect(plain.hub.publish({ tags: ['x'] }, { audience: 'alice' })).rejects.toThrow(/created without audience/);
      const served = await serve({ audience: fromCookie });
      for (const audience of [[], '', [1], {}] as unknown as string[]) {
        await expect(served.hub.publish({ tags: ['x'] }, { audience })).rejects.toThrow(/audience must be a non-empty string or a non-empty array/);
      }
    });
  });
}
