/**
 * The bus's side of racing writes: the generation every invalidation bumps, and the
 * WriteGuard an invalidation waits for (the worker's writes of what it fetched before).
 */
import { describe, expect, it } from 'vitest';
import { builtinBackends } from '../../src/backends/registry.js';
import { CacheHandler } from '../../src/core/handler.js';
import { InvalidationBus } from '../../src/core/invalidation-bus.js';
import { message, parseMessage, PROTOCOL_VERSION } from '../../src/core/protocol.js';

function context() {
  const handler = new CacheHandler(builtinBackends);
  handler.define({ default: { backend: 'memory', location: `bus-${Math.random().toString(36).slice(2)}` } });
  return new InvalidationBus(handler);
}

/** A guard whose writes settle only when the test says so. */
function slowGuard() {
  let release!: () => void;
  const settled = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { guard: { settle: () => settled, wroteSince: () => false }, release };
}

describe('the invalidation bus and racing writes', () => {
  it('bumps its generation when an invalidation begins, local or heard, once per id', async () => {
    const bus = context();
    expect(bus.generation).toBe(0);
    const local = bus.invalidate({ keys: ['a'] });
    expect(bus.generation).toBe(1);
    await local;
    const heard = message({ type: 'invalidate', id: 'gen-1', target: { keys: ['a'] }, applied: [] });
    await bus.receive(heard);
    await bus.receive(heard);
    expect(bus.generation).toBe(2);
    bus.close();
  });

  it('an invalidation is not done until the guarded writes begun before it have settled', async () => {
    for (const run of ['local', 'heard'] as const) {
      const bus = context();
      const { guard, release } = slowGuard();
      bus.guardWrites(guard);
      let done = false;
      const invalidation = (
        run === 'local'
          ? bus.invalidate({ keys: ['a'] })
          : bus.receive(message({ type: 'invalidate', id: `settle-${run}`, target: { keys: ['a'] }, applied: [] }))
      ).then(() => {
        done = true;
      });
      await new Promise((r) => setTimeout(r, 20));
      expect(done, run).toBe(false);
      release();
      await invalidation;
      expect(done, run).toBe(true);
      bus.close();
    }
  });

  it('the message says when the sender began cleaning (at), and the guard is consulted with it', async () => {
    const bus = context();
    const asked: [string, number][] = [];
    bus.guardWrites({ settle: async () => {}, wroteSince: (id, since) => (asked.push([id, since]), true) });
    await bus.receive(message({ type: 'invalidate', id: 'at-1', target: { keys: ['a'] }, applied: ['idb:x'], at: 1234 }));
    expect(asked).toEqual([['idb:x', 1234]]);
    bus.close();
  });

  it('parses at as an optional finite number; anything else drops the message', () => {
    const base = { cachette: PROTOCOL_VERSION, type: 'invalidate', id: 'p', target: { all: true }, applied: [] };
    expect(parseMessage({ ...base, at: 5 })).toMatchObject({ at: 5 });
    expect(parseMessage(base)).not.toHaveProperty('at');
    expect(parseMessage({ ...base, at: 'soon' })).toBeUndefined();
    expect(parseMessage({ ...base, at: Number.NaN })).toBeUndefined();
  });
});
