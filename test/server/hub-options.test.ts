/**
 * createInvalidationHub's options: a bad one is a TypeError naming it and what is accepted;
 * creating a hub opens nothing.
 */
import { describe, expect, it } from 'vitest';
import { createInvalidationHub, type HubOptions } from '../../src/server/index.js';
import { loadRedis } from '../../src/server/redis-client.js';

describe('hub options', () => {
  it('rejects each bad option with a TypeError naming it and what is accepted', () => {
    const cases: [unknown, RegExp][] = [
      ['memory', /createInvalidationHub takes an options object/],
      [{ brokr: 'memory' }, /unknown hub option 'brokr'; accepted: broker, path, stream, retain, heartbeatMs, audience, clock, onError/],
      [{ broker: 'redis' }, /broker must be 'memory' or \{ redis: 'redis:\/\/host:6379', timeoutMs\?: 5000 \}, got 'redis'/],
      [{ broker: { redis: 'localhost:6379' } }, /broker.redis must be a redis:\/\/ or rediss:\/\/ URL/],
      [{ broker: { redis: 'http://:hunter2@x' } }, /broker.redis must be .* got 'http:\/\/:\*\*\*@x/],
      [{ broker: { redis: 'redis://x', timeout: 1 } }, /unknown broker option 'timeout'/],
      [{ broker: { redis: 'redis://x', timeoutMs: 0 } }, /broker.timeoutMs must be a positive integer/],
      [{ path: 'cachette/events' }, /path must be a URL path starting with '\/'/],
      [{ path: '/events?x=1' }, /path must be a URL path/],
      [{ stream: '' }, /stream must be a non-empty Redis key/],
      [{ retain: 0 }, /retain must be a positive integer/],
      [{ retain: 1.5 }, /retain must be a positive integer/],
      [{ heartbeatMs: -1 }, /heartbeatMs must be a positive integer of milliseconds/],
      [{ heartbeatMs: 2 ** 31 }, /heartbeatMs must be/],
      [{ audience: 'user' }, /audience must be a function \(req\) => string \| string\[\] \| null/],
      [{ clock: () => 1 }, /clock must be an object with now\(\)/],
      [{ onError: true }, /onError must be a function/],
    ];
    for (const [options, message] of cases) {
      expect(() => createInvalidationHub(options as HubOptions), JSON.stringify(options)).toThrow(TypeError);
      expect(() => createInvalidationHub(options as HubOptions)).toThrow(message);
    }
    expect(() => createInvalidationHub({ broker: { redis: 'redis://:secret@cache:6379' }, retain: 5, heartbeatMs: 1_000, path: '/e' })).not.toThrow();
  });

  it('opens nothing until used: a Redis hub on an unreachable URL is created and closed quietly', async () => {
    const errors: unknown[] = [];
    const hub = createInvalidationHub({ broker: { redis: 'redis://127.0.0.1:1' }, onError: (e) => errors.push(e) });
    expect(hub.stats()).toEqual({ connections: 0, backlogged: 0, dropped: 0, latestId: '' });
    await hub.close();
    await hub.close();
    expect(errors).toEqual([]);
  });

  it("says to install redis when the 'redis' package is missing", async () => {
    const missing = Object.assign(new Error("Cannot find package 'redis'"), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(loadRedis(() => Promise.reject(missing))).rejects.toThrow(/not installed: npm install redis/);
    await expect(loadRedis(() => Promise.reject(missing))).rejects.toMatchObject({ cause: missing });
    await expect(loadRedis(() => Promise.resolve({}))).rejects.toThrow(/has no createClient.*npm install redis/);
    expect(typeof (await loadRedis())).toBe('function');
  });
});
