/**
 * A tiny invalidation hub speaking the public wire format over real HTTP, for the page's
 * client tests: ids `<ms>-<seq>`, replay after `Last-Event-ID` (or `?lastEventId=`), `ready`,
 * `reset` when the resume id is no longer retained, 401, and whatever else a test needs to
 * break (another status or content type, raw text, dropped connections).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compareEventIds } from '../../src/core/push-state.js';

interface Stored {
  id: string;
  data: string;
}

export interface FakeHub {
  /** The stream's absolute URL. */
  url: string;
  /** Each request's resume id (`undefined`: none), in order. */
  requests: (string | undefined)[];
  /** Each request's path and query, in order. */
  paths: string[];
  /** Connections open now. */
  readonly open: number;
  /** Answer 401 while true. */
  refuse: boolean;
  /** Answer this instead of a stream while set. */
  answer: { status: number; contentType: string; body: string } | undefined;
  /** Wait this long between replayed events (each in its own chunk). */
  replayDelayMs: number;
  /** The latest id, `''` before any. */
  readonly latest: string;
  /** Publishes a target (or raw `data`) as `event: invalidate`; returns its id. */
  publish(target: unknown): string;
  /** Writes raw text to every open connection. */
  sendRaw(text: string): void;
  /** Forgets the oldest `count` events (replay from before them is a gap). */
  trim(count: number): void;
  /** Cuts every open connection, as a network failure would. */
  dropAll(): void;
  close(): Promise<void>;
}

/**
 * Starts a hub on a free port of 127.0.0.1.
 * @example const hub = await startFakeHub(); hub.publish({ keys: ['a'] });
 */
export async function startFakeHub(path = '/cachette/events'): Promise<FakeHub> {
  const ms = Date.now();
  let seq = 0;
  const events: Stored[] = [];
  /** The newest id dropped from `events`. */
  let trimmedThrough = '';
  const open = new Set<ServerResponse>();

  const write = (res: ServerResponse, text: string) => {
    if (!res.writableEnded) res.write(text);
  };
  const frame = (e: Stored) => `id: ${e.id}\nevent: invalidate\ndata: ${e.data}\n\n`;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://hub.test');
    if (url.pathname !== path) {
      res.writeHead(404).end();
      return;
    }
    const header = req.headers['last-event-id'];
    const resume = (typeof header === 'string' ? header : undefined) ?? url.searchParams.get('lastEventId') ?? undefined;
    hub.requests.push(resume);
    hub.paths.push(req.url ?? '');
    if (hub.refuse) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('who are you?');
      return;
    }
    if (hub.answer) {
      res.writeHead(hub.answer.status, { 'content-type': hub.answer.contentType }).end(hub.answer.body);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
    write(res, ': hello\n\n');
    open.add(res);
    req.on('close', () => open.delete(res));
    const latest = hub.latest;
    if (resume !== undefined && resume !== '') {
      const gap = compareEventIds(resume, trimmedThrough) < 0 || compareEventIds(resume, latest) > 0;
      if (gap) {
        write(res, `id: ${latest}\nevent: reset\ndata: {"reason":"gap"}\n\n`);
      } else {
        for (const e of events.filter((e) => compareEventIds(e.id, resume) > 0)) {
          if (hub.replayDelayMs > 0) await new Promise((r) => setTimeout(r, hub.replayDelayMs));
          write(res, frame(e));
        }
      }
    }
    // As the real hub: ready carries the hub's position as its id and its data.
    write(res, `id: ${latest}\nevent: ready\ndata: ${latest}\n\n`);
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const hub: FakeHub = {
    url: `http://127.0.0.1:${port}${path}`,
    requests: [],
    paths: [],
    get open() {
      return open.size;
    },
    refuse: false,
    answer: undefined,
    replayDelayMs: 0,
    get latest() {
      return events.at(-1)?.id ?? trimmedThrough;
    },
    publish(target) {
      seq += 1;
      const e = { id: `${ms}-${seq}`, data: typeof target === 'string' ? target : JSON.stringify(target) };
      events.push(e);
      for (const res of open) write(res, frame(e));
      return e.id;
    },
    sendRaw(text) {
      for (const res of open) write(res, text);
    },
    trim(count) {
      const dropped = events.splice(0, count);
      if (dropped.length) trimmedThrough = dropped.at(-1)!.id;
    },
    dropAll() {
      for (const res of open) res.destroy();
      open.clear();
    },
    async close() {
      hub.dropAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return hub;
}
