/**
 * The contract every broker keeps: DESIGN.md's "Invalidation from the server", exercised
 * over real HTTP connections. One suite, run against the memory broker
 * (memory.contract.test.ts) and Redis Streams on a real redis-server (redis.contract.test.ts).
 */
import { describe } from 'vitest';
import type { HubOptions } from '../../../src/server/index.js';
import { serveHub, type ServedHub } from '../support/hub-server.js';
import { announceContract } from './announce.js';
import { audienceContract } from './audience.js';
import { httpContract } from './http.js';
import { streamContract } from './stream.js';

/** Serves a fresh hub on the broker under test (its own stream), with `extra` options. */
export type Serve = (extra?: HubOptions) => Promise<ServedHub>;

/** Runs the whole contract; `brokerOptions` is called once per hub (a fresh stream each time). */
export function runHubContract(name: string, brokerOptions: () => Pick<HubOptions, 'broker' | 'stream'>): void {
  const serve: Serve = (extra = {}) => serveHub({ ...brokerOptions(), ...extra });
  describe(`invalidation hub contract (${name} broker)`, () => {
    streamContract(serve);
    audienceContract(serve);
    httpContract(serve);
    announceContract(serve);
  });
}
