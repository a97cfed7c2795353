/**
 * `connectInvalidations`: the page hears the invalidation hub (`'cachette/server'`), so a
 * change made by another user, server or job reaches this user's caches. This file is the
 * public entry: its options, checked, and the realm's invalidation bus; the work is in
 * `push-client.ts`.
 */
import { invalidationBus } from '../invalidations.js';
import { systemClock, type Clock } from '../core/clock.js';
import { describe } from '../core/options.js';
import type { LockManagerLike } from './leader-election.js';
import type { FetchLike, Timers } from './push-connection.js';
import { startPushClient, type InvalidationsConnection, type PushClientDeps } from './push-client.js';

export type { InvalidationsConnection } from './push-client.js';
export type { LockManagerLike } from './leader-election.js';
export type { FetchLike, Timers } from './push-connection.js';

/** Options of `connectInvalidations`. */
export interface ConnectInvalidationsOptions {
  /** How long `ready` waits at most (offline, the hub unreachable), in ms; default 3000. `Infinity`: no bound. */
  timeoutMs?: number;
  /**
   * Hears each problem, once until it is fixed: the hub refused the connection (401), answered
   * something else than an event stream, or sent a malformed event (ignored). They are also
   * reported to the console (or to `onCacheError` listeners).
   */
  onError?: (error: Error) => void;
  /** The `fetch` to connect with; default the global one. */
  fetch?: FetchLike;
  /** The Web Locks manager electing the tab that connects; default `navigator.locks`. `null`: every tab connects on its own. */
  locks?: LockManagerLike | null;
  /** `setTimeout` / `clearTimeout` for the backoff, the watchdog and `timeoutMs`; default the global ones. */
  timers?: Timers;
  /** Stamps the recorded state; default `Date.now`. */
  clock?: Clock;
  /** A number in [0, 1) for the backoff's jitter; default `Math.random`. */
  random?: () => number;
}

const DEFAULT_URL = '/cachette/events';
const DEFAULT_TIMEOUT_MS = 3_000;
const OPTION_NAMES = ['timeoutMs', 'onError', 'fetch', 'locks', 'timers', 'clock', 'random'];

/**
 * Connects this page to the invalidation hub at `url` (relative to the page, default
 * `'/cachette/events'`), and applies each event it pushes as `invalidate(target)` in every
 * tab and the worker; `onInvalidate` listeners hear each event once. Events are never sent
 * back to the server.
 *
 * One connection per origin however many tabs: the tab holding a Web Lock connects, the
 * others follow on the `cachette` channel, and when it closes another takes over, resuming
 * after the last event applied, so nothing is lost. Where `navigator.locks` is missing, each
 * tab connects on its own (each event still acts once per tab). The last applied id is kept
 * in IndexedDB, where every tab and the worker read it; a `reset` from the hub (it no longer
 * has what was missed) clears every cache. Reconnects with backoff; a 401 is reported, and
 * retried once a minute. Nothing starts until called.
 * @example
 * import { connectInvalidations } from 'cachette/page';
 * const hub = connectInvalidations('/cachette/events', { onError: (e) => console.warn(e.message) });
 * await hub.ready; // what changed while the app was closed is gone from the caches
 * // later, if ever: hub.close();
 */
export function connectInvalidations(url: string | URL = DEFAULT_URL, options: ConnectInvalidationsOptions = {}): InvalidationsConnection {
  return startPushClient(resolveHubUrl(url), { bus: invalidationBus(), ...resolveConnectOptions(options) });
}

/**
 * The hub's absolute URL (without its fragment), or a TypeError naming what is wrong.
 * @example resolveHubUrl('/cachette/events') // 'https://app.test/cachette/events' on https://app.test
 */
export function resolveHubUrl(url: unknown): string {
  if (typeof url !== 'string' && !(url instanceof URL)) {
    throw new TypeError(`cachette: connectInvalidations url must be the hub's URL (a string or URL, e.g. '/cachette/events'), got ${describe(url)}`);
  }
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  let resolved: URL;
  try {
    resolved = new URL(url, base);
  } catch {
    throw new TypeError(
      `cachette: connectInvalidations url ${describe(String(url))} is not a valid URL` + (base ? '' : ' (outside a page it must be absolute)'),
    );
  }
  if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') {
    throw new TypeError(`cachette: connectInvalidations url must be http: or https:, got ${describe(resolved.href)}`);
  }
  resolved.hash = '';
  return resolved.href;
}

/**
 * The options with their defaults, or a TypeError naming the bad one.
 * @example resolveConnectOptions({ timeoutMs: 5000 }).timeoutMs // 5000
 */
export function resolveConnectOptions(options: unknown): Omit<PushClientDeps, 'bus'> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`cachette: connectInvalidations options must be an object like { timeoutMs: 3000 }, got ${describe(options)}`);
  }
  const o = options as Record<string, unknown>;
  for (const name of Object.keys(o)) {
    if (!OPTION_NAMES.includes(name)) throw new TypeError(`cachette: unknown connectInvalidations option '${name}'; accepted: ${OPTION_NAMES.join(', ')}`);
  }
  const bad = (name: string, accepted: string): never => {
    throw new TypeError(`cachette: connectInvalidations option ${name} must be ${accepted}, got ${describe(o[name])}`);
  };
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) bad('timeoutMs', 'a number of milliseconds >= 0 (Infinity: no bound)');
  if (o.onError !== undefined && typeof o.onError !== 'function') bad('onError', 'a function (error) => void');
  if (o.fetch !== undefined && typeof o.fetch !== 'function') bad('fetch', 'a function like the global fetch');
  if (o.locks !== undefined && o.locks !== null && !hasMethods(o.locks, ['request'])) bad('locks', 'a LockManager (navigator.locks) or null');
  if (o.timers !== undefined && !hasMethods(o.timers, ['setTimeout', 'clearTimeout'])) bad('timers', 'an object with setTimeout and clearTimeout');
  if (o.clock !== undefined && !hasMethods(o.clock, ['now'])) bad('clock', 'an object with now() returning ms since the epoch');
  if (o.random !== undefined && typeof o.random !== 'function') bad('random', 'a function returning a number in [0, 1)');
  return {
    timeoutMs: timeoutMs as number,
    onError: o.onError as ((error: Error) => void) | undefined,
    fetch: (o.fetch as FetchLike | undefined) ?? ((input, init) => fetch(input, init)),
    locks: o.locks === null ? undefined : ((o.locks as LockManagerLike | undefined) ?? platformLocks()),
    timers: (o.timers as Timers | undefined) ?? defaultTimers,
    clock: (o.clock as Clock | undefined) ?? systemClock,
    random: (o.random as (() => number) | undefined) ?? Math.random,
  };
}

const defaultTimers: Timers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    // In Node (server rendering, tests) a retry timer must not keep the process alive.
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

function platformLocks(): LockManagerLike | undefined {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  return locks && typeof locks.request === 'function' ? locks : undefined;
}

function hasMethods(value: unknown, names: string[]): boolean {
  return typeof value === 'object' && value !== null && names.every((n) => typeof (value as Record<string, unknown>)[n] === 'function');
}
