/**
 * The hub's fan-out writes the live events of one turn of the event loop to each connection
 * in one write (a socket write per connection per event was most of the hub's CPU), in
 * order, each connection getting only what is for it, and a reset after what came before it.
 * Real sockets: a node:http server and a client reading the bytes.
 */
import { once } from 'node:events';
import http, { type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerEvent } from '../../src/server/broker.js';
import { invalidateFrame } from '../../src/server/sse-frames.js';
import { SseConnections } from '../../src/server/sse-connections.js';

const event = (id: string, keys: string[], audience?: string[]): BrokerEvent => ({ id, frame: invalidateFrame(id, JSON.stringify({ keys })), audience });
const turn = () => new Promise((resolve) => setImmediate(resolve));

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A live connection for `audiences`, with the chunks its response was asked to write and the bytes its client read. */
async function connect(connections: SseConnections, audiences?: string[]) {
  let res!: ServerResponse;
  const server = http.createServer((_req, r) => {
    res = r;
    r.writeHead(200, { 'Content-Type': 'text/event-stream' });
    r.flushHeaders();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const response = await new Promise<http.IncomingMessage>((resolve) => http.get(`http://127.0.0.1:${port}/`, resolve));
  let read = '';
  response.setEncoding('utf8').on('data', (chunk: string) => (read += chunk));
  const writes: string[] = [];
  const write = res.write.bind(res) as (chunk: string) => boolean;
  res.write = ((chunk: string) => {
    writes.push(chunk);
    return write(chunk);
  }) as typeof res.write;
  const conn = connections.add(res, audiences, false, '0-0');
  connections.goLive(conn, '0-0');
  closers.push(async () => {
    connections.closeAll();
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  return { writes, read: () => read };
}

describe('SseConnections', () => {
  it('writes the events of one turn to each connection in one write, in order, only what is for it', async () => {
    const connections = new SseConnections(60_000);
    const alice = await connect(connections, ['alice']);
    const bob = await connect(connections, ['bob']);
    const events = [event('1-1', ['a']), event('1-2', ['secret'], ['alice']), event('1-3', ['c'])];
    for (const e of events) connections.broadcast(e);
    await turn();
    expect(alice.writes).toEqual([events.map((e) => e.frame).join('')]);
    expect(bob.writes).toEqual([events[0]!.frame + events[2]!.frame]);
    // The next turn's event is a write of its own; one already sent is not sent again.
    connections.broadcast(event('1-4', ['d']));
    connections.broadcast(event('1-3', ['c']));
    await turn();
    expect(alice.writes).toHaveLength(2);
    expect(alice.writes[1]).toBe(event('1-4', ['d']).frame);
    await expect.poll(() => bob.read()).toBe(events[0]!.frame + events[2]!.frame + event('1-4', ['d']).frame);
  });

  it('a reset goes after the events broadcast before it', async () => {
    const connections = new SseConnections(60_000);
    const client = await connect(connections);
    connections.broadcast(event('2-1', ['before']));
    connections.reset('2-1');
    await turn();
    expect(client.writes.join('')).toBe(`${event('2-1', ['before']).frame}id: 2-1\nevent: reset\ndata: {"reason":"gap"}\n\n`);
  });
});
