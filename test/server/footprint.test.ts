/**
 * What an idle connection costs the hub: the heap with N idle event streams served by the
 * hub, minus the heap with N streams a bare handler holds open with the same headers (so
 * Node's own sockets, requests and responses, on both sides, cancel out).
 */
import { once } from 'node:events';
import http, { type ServerResponse } from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import { expect, it } from 'vitest';
import { createInvalidationHub } from '../../src/server/index.js';
import { STREAM_HEADERS } from '../../src/server/sse-frames.js';
import { onCleanup } from './support/hub-server.js';
import { openStream, type SseStream } from './support/sse-client.js';

const N = 300;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

async function heapWith(handle: http.RequestListener, ready: (stream: SseStream) => Promise<unknown>): Promise<number> {
  const server = http.createServer(handle).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const streams: SseStream[] = [];
  for (let i = 0; i < N; i += 1) streams.push(await openStream(`http://127.0.0.1:${port}/cachette/events`));
  await Promise.all(streams.map(ready));
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  gc();
  const used = process.memoryUsage().heapUsed;
  for (const stream of streams) stream.close();
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
  return used;
}

it(`an idle connection costs the hub well under 10 KB (${N} connections)`, async () => {
  const held: ServerResponse[] = [];
  const bare = (): Promise<number> =>
    heapWith(
      (_req, res) => {
        res.writeHead(200, STREAM_HEADERS);
        res.flushHeaders();
        res.write('id: \nevent: ready\ndata: \n\n');
        held.push(res);
      },
      (s) => s.next('ready'),
    );
  const hub = createInvalidationHub({ audience: () => 'user:42' });
  onCleanup(() => hub.close());
  await bare(); // warm up: code paths compiled, pools grown
  held.length = 0;
  gc();
  const baseline = await bare();
  held.length = 0;
  gc();
  const withHub = await heapWith((req, res) => void hub.handler(req, res), (s) => s.next('ready'));
  const perConnection = (withHub - baseline) / N;
  console.log(`hub overhead per idle connection: ${Math.round(perConnection)} bytes (heap ${Math.round(withHub / N)} bytes per connection, both sides of the socket)`);
  // About 2 KB here, and the heap after two GCs moves by a few hundred bytes per connection
  // between runs (a CI run once read 2,101): 4 KB still fails if the hub's share doubles.
  expect(perConnection).toBeLessThan(4_096);
});
