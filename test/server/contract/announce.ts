/**
 * `publish(target, { response })`: the response to the request that made a change
 * announces the events it published (`Cachette-Invalidated`), so the browser that made the
 * change applies them before reading the response and recognises the pushed copies. Checked
 * over real HTTP: a mutation view served beside the hub, read with `fetch`.
 */
import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseInvalidatedHeader } from '../../../src/core/invalidated-header.js';
import type { InvalidationHub } from '../../../src/server/index.js';
import { onCleanup } from '../support/hub-server.js';
import type { Serve } from './index.js';

/** Serves `view` on a loopback port; resolves its origin. */
async function serveView(view: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<string> {
  const server = http.createServer((req, res) => {
    view(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onCleanup(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/** A view publishing `targets` (with their audiences) for the change it makes, then answering 201. */
function changing(hub: InvalidationHub, events: { target: Parameters<InvalidationHub['publish']>[0]; audience?: string }[], ids: string[]) {
  return async (_req: IncomingMessage, res: ServerResponse) => {
    for (const { target, audience } of events) ids.push(await hub.publish(target, { response: res, ...(audience ? { audience } : {}) }));
    res.writeHead(201, { 'Content-Type': 'application/json' }).end('{}');
  };
}

export function announceContract(serve: Serve): void {
  describe('publish(target, { response })', () => {
    it('announces each published event in the response, as the stream carries it', async () => {
      const served = await serve();
      const ids: string[] = [];
      const origin = await serveView(changing(served.hub, [{ target: { tags: ['authors'] } }, { target: { keys: ['naïve, with a comma'], cache: 'fragments' } }], ids));
      const stream = await served.open();
      const response = await fetch(`${origin}/authors`, { method: 'POST' });
      expect(response.status).toBe(201);
      const header = response.headers.get('Cachette-Invalidated') ?? '';
      const { events, problems } = parseInvalidatedHeader(header);
      expect(problems).toEqual([]);
      expect(events).toEqual([
        { id: ids[0], hubPath: '/cachette/events', target: { tags: ['authors'] } },
        { id: ids[1], hubPath: '/cachette/events', target: { keys: ['naïve, with a comma'], cache: 'fragments' } },
      ]);
      // The same ids the stream gives them: that is how the browser recognises the pushed copy.
      await expect.poll(() => stream.events.filter((e) => e.event === 'invalidate').map((e) => e.id)).toEqual(ids);
    });

    it('announces a private event only to a request of its audience', async () => {
      const served = await serve({ audience: (req) => /user=(\w+)/.exec(req.headers.cookie ?? '')?.[1] ?? null });
      const ids: string[] = [];
      const origin = await serveView(changing(served.hub, [{ target: { keys: ['alice-secret'] }, audience: 'alice' }, { target: { tags: ['public'] } }], ids));
      const bob = await fetch(`${origin}/x`, { method: 'POST', headers: { Cookie: 'user=bob' } });
      expect(bob.headers.get('Cachette-Invalidated')).not.toContain('alice-secret');
      expect(parseInvalidatedHeader(bob.headers.get('Cachette-Invalidated') ?? '').events.map((e) => e.id)).toEqual([ids[1]]);
      const alice = await fetch(`${origin}/x`, { method: 'POST', headers: { Cookie: 'user=alice' } });
      expect(parseInvalidatedHeader(alice.headers.get('Cachette-Invalidated') ?? '').events.map((e) => e.id)).toEqual([ids[2], ids[3]]);
    });

    it('publishes but reports, without throwing, when the response was already sent', async () => {
      const served = await serve();
      let id = '';
      const origin = await serveView(async (_req, res) => {
        res.writeHead(201).end();
        id = await served.hub.publish({ tags: ['late'] }, { response: res });
      });
      const response = await fetch(`${origin}/x`, { method: 'POST' });
      expect(response.headers.get('Cachette-Invalidated')).toBeNull();
      await expect.poll(() => id).not.toBe('');
      expect(served.hub.stats().latestId).toBe(id);
      expect(String(served.errors.at(-1))).toMatch(/was published, but not added to the response's Cachette-Invalidated header: its headers were already sent/);
    });

    it('rejects a response option that is not a Node response, naming it, and publishes nothing', async () => {
      const served = await serve();
      await expect(served.hub.publish({ tags: ['a'] }, { response: {} as ServerResponse })).rejects.toThrow(
        /publish: response must be the Node response \(http.ServerResponse, Express's res\) of the request that made the change, got/,
      );
      await expect(served.hub.publish({ tags: ['a'] }, { respons: 1 } as never)).rejects.toThrow(/accepted: audience, response/);
      expect(served.hub.stats().latestId).toBe('');
    });
  });
}
