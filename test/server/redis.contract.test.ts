/**
 * The hub contract on Redis Streams, against a real redis-server this file starts.
 */
import { afterAll, beforeAll } from 'vitest';
import { runHubContract } from './contract/index.js';
import { uniqueStream } from './support/hub-server.js';
import { startRedis, type RedisServer } from './support/redis-server.js';

let redis: RedisServer | undefined;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

runHubContract('redis', () => {
  if (!redis) throw new Error('redis-server did not start (see the beforeAll error)');
  return { broker: { redis: redis.url }, stream: uniqueStream() };
});
