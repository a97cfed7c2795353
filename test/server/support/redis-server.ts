/**
 * A real redis-server for the hub's tests (scripts/redis-server.mjs, shared with the push
 * benchmarks): a free loopback port, no persistence, stopped by its pid. Without a
 * redis-server the Redis tests fail (never skip) and say how to get one.
 */
export { freePort, startRedis, type RedisServer } from '../../../scripts/redis-server.mjs';
