/**
 * A plain node-redis client for the tests, standing in for Django, a shell or a job that
 * writes to the stream directly. Closed after the test.
 */
import { createClient } from 'redis';
import { onCleanup } from './hub-server.js';

/** A connected client, closed after the current test. */
export async function redisCli(url: string): Promise<ReturnType<typeof createClient>> {
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => {}); // a test that kills Redis expects this client to lose it
  await client.connect();
  onCleanup(() => (client.isOpen ? client.destroy() : undefined));
  return client;
}
