/**
 * The options of `createInvalidationHub`, validated and filled with their defaults. A bad
 * option is a TypeError naming it and saying what is accepted.
 */
import type { IncomingMessage } from 'node:http';
import { describe } from '../core/options.js';
import type { Audience } from './pushed-target.js';
import { redactUrl } from './redis-client.js';

/** Where events are kept and heard: this process only, or a Redis stream shared by many. */
export type BrokerOption =
  | 'memory'
  | {
      /** `redis://…` or `rediss://…`. */
      redis: string;
      /** How long `publish` (and a replay) waits for Redis before rejecting. Default 5000. */
      timeoutMs?: number;
    };

/** Who a connection belongs to; `null` (or throwing) refuses it with 401. */
export type AudienceResolver = (req: IncomingMessage) => Audience | null | Promise<Audience | null>;

/** Options of `createInvalidationHub`. */
export interface HubOptions {
  /** Default `'memory'`. */
  broker?: BrokerOption;
  /** The URL path the handler serves. Default `'/cachette/events'`. */
  path?: string;
  /** The Redis stream key. Default `'cachette:invalidations'`. */
  stream?: string;
  /** Events kept for replay. Default 10000. */
  retain?: number;
  /** Milliseconds between heartbeat comments. Default 15000. */
  heartbeatMs?: number;
  /** The audience or audiences of a connection, e.g. its user's id. */
  audience?: AudienceResolver;
  /** Milliseconds since the epoch, for the memory broker's ids. Default `Date.now`. */
  clock?: { now(): number };
  /** Where the hub reports what it skipped or survived. Default `console.error`. */
  onError?: (error: unknown) => void;
}

/** `HubOptions` with every default applied. */
export interface ResolvedHubOptions {
  broker: 'memory' | { redis: string; timeoutMs: number };
  path: string;
  stream: string;
  retain: number;
  heartbeatMs: number;
  audience: AudienceResolver | undefined;
  clock: { now(): number };
  onError: (error: unknown) => void;
}

const NAMES = ['broker', 'path', 'stream', 'retain', 'heartbeatMs', 'audience', 'clock', 'onError'];
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Validates the hub's options and fills in the defaults.
 * @example resolveHubOptions({ retain: 500 }).heartbeatMs // 15000
 */
export function resolveHubOptions(raw: unknown): ResolvedHubOptions {
  if (raw === undefined) raw = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new TypeError(`cachette: createInvalidationHub takes an options object like { broker: 'memory' }, got ${describe(raw)}`);
  }
  const o = raw as Record<string, unknown>;
  for (const name of Object.keys(o)) {
    if (!NAMES.includes(name)) throw new TypeError(`cachette: unknown hub option '${name}'; accepted: ${NAMES.join(', ')}`);
  }
  return {
    broker: checkBroker(o.broker),
    path: check(o.path, '/cachette/events', (v) => typeof v === 'string' && /^\/[^?#\s]*$/.test(v), "path must be a URL path starting with '/' (no query), like '/cachette/events'"),
    stream: check(o.stream, 'cachette:invalidations', (v) => typeof v === 'string' && v.length > 0, "stream must be a non-empty Redis key, like 'cachette:invalidations'"),
    retain: check(o.retain, 10_000, (v) => Number.isSafeInteger(v) && (v as number) > 0, 'retain must be a positive integer (events kept for replay)'),
    heartbeatMs: check(o.heartbeatMs, 15_000, (v) => Number.isInteger(v) && (v as number) > 0 && (v as number) <= MAX_TIMER_MS, `heartbeatMs must be a positive integer of milliseconds (at most ${MAX_TIMER_MS})`),
    audience: check(o.audience, undefined, (v) => typeof v === 'function', 'audience must be a function (req) => string | string[] | null, sync or async'),
    clock: check(o.clock, { now: () => Date.now() }, (v) => typeof (v as { now?: unknown } | null)?.now === 'function', 'clock must be an object with now(): milliseconds since the epoch'),
    onError: check(o.onError, (error: unknown) => console.error(error), (v) => typeof v === 'function', 'onError must be a function (error) => void'),
  };
}

function checkBroker(value: unknown): ResolvedHubOptions['broker'] {
  if (value === undefined || value === 'memory') return 'memory';
  const accepted = "broker must be 'memory' or { redis: 'redis://host:6379', timeoutMs?: 5000 }";
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`cachette: ${accepted}, got ${describe(value)}`);
  const b = value as Record<string, unknown>;
  for (const name of Object.keys(b)) {
    if (name !== 'redis' && name !== 'timeoutMs') throw new TypeError(`cachette: unknown broker option '${name}'; ${accepted}`);
  }
  if (typeof b.redis !== 'string' || !/^rediss?:\/\/./.test(b.redis) || !URL.canParse(b.redis)) {
    // Redacted: a URL that is almost right may still carry a password.
    const got = typeof b.redis === 'string' ? describe(redactUrl(b.redis)) : describe(b.redis);
    throw new TypeError(`cachette: broker.redis must be a redis:// or rediss:// URL like 'redis://localhost:6379', got ${got}`);
  }
  const timeoutMs = check(b.timeoutMs, 5_000, (v) => Number.isInteger(v) && (v as number) > 0 && (v as number) <= MAX_TIMER_MS, 'broker.timeoutMs must be a positive integer of milliseconds');
  return { redis: b.redis, timeoutMs };
}

function check<T>(value: unknown, fallback: T, ok: (v: unknown) => boolean, text: string): T {
  if (value === undefined) return fallback;
  if (!ok(value)) throw new TypeError(`cachette: ${text}, got ${describe(value)}`);
  return value as T;
}
