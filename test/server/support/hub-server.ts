/**
 * Serves a hub on a real HTTP server on a loopback port, and tracks everything a test
 * opens (hubs, servers, streams, Redis clients) so `afterEach` closes it all.
 */
import { once } from 'node:events';
import http from 'node:http';
import { afterEach } from 'vitest';
import { createInvalidationHub, type HubOptions, type InvalidationHub } from '../../../src/server/index.js';
import { openStream, type SseStream } from './sse-client.js';

/** A hub behind a real HTTP server. */
export interface ServedHub {
  hub: InvalidationHub;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The event stream's URL, with `query` appended (e.g. `'?catchup=1'`). */
  url(query?: string): string;
  /** Opens the event stream. */
  open(query?: string, headers?: Record<string, string>): Promise<SseStream>;
  /** What `onError` received. */
  errors: unknown[];
}

const cleanups: (() => unknown)[] = [];

/** Runs `cleanup` after the current test (last registered, first run). */
export function onCleanup(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Creates a hub and serves it; paths other than the hub's answer 418 `next` from `next()`. */
export async function serveHub(options: HubOptions = {}): Promise<ServedHub> {
  const errors: unknown[] = [];
  const hub = createInvalidationHub({ onError: (error) => errors.push(error), ...options });
  const server = http.createServer((req, res) => {
    void hub.handler(req, res, () => {
      res.statusCode = 418;
      res.end('next');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const origin = `http://127.0.0.1:${address.port}`;
  const path = options.path ?? '/cachette/events';
  onCleanup(async () => {
    await hub.close();
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  const served: ServedHub = {
    hub,
    origin,
    errors,
    url: (query = '') => `${origin}${path}${query}`,
    async open(query, headers) {
      const stream = await openStream(served.url(query), { headers });
      onCleanup(() => stream.close());
      return stream;
    },
  };
  return served;
}

/** A stream key no other test uses. */
export function uniqueStream(): string {
  return `cachette:test:${process.pid}:${Date.now()}:${Math.random().toString(36).slice(2, 10)}`;
}
