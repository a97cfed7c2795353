/**
 * Every message Cachette sends between pages, the worker and the panel: a discriminated
 * union on `type`, tagged with the protocol version. One guard validates what comes in;
 * anything malformed, oversized or from another version is dropped without throwing.
 * No other file builds these literals: use `message()`.
 */

import { checkTarget, type InvalidateTarget } from './invalidate-target.js';
import type { CacheSnapshot, Counters, ErrorSnapshot, RouteSnapshot, WorkerSnapshot } from './snapshot.js';

/** The `devtools-snapshot` message's payload, defined with the other snapshot shapes. */
export type { WorkerSnapshot };

/** Bumped on any incompatible change; messages of another version are ignored. */
export const PROTOCOL_VERSION = 1;
/** The BroadcastChannel every tab and the worker listen on. */
export const CHANNEL_NAME = 'cachette';

/** Ask a waiting worker to take over now (`registration.waiting`). */
export interface SkipWaitingMessage {
  type: 'skip-waiting';
}

/** An invalidation made in one context, for every other tab and the worker. */
export interface InvalidateMessage {
  type: 'invalidate';
  /** Unique per invalidation: a context that hears it twice (channel and postMessage) acts once. */
  id: string;
  target: InvalidateTarget;
  /** The shared stores (`backend:location`) the sender already cleaned. */
  applied: string[];
  /**
   * When the sender began cleaning them (ms since the epoch): a receiver that wrote to one of
   * them since then (the worker storing a response) cleans it again, or the write would survive.
   */
  at?: number;
  /** Set when an invalidation hub pushed this invalidation (see `PushOrigin`). */
  pushed?: PushOrigin;
}

/**
 * Where a pushed invalidation came from: the hub's absolute URL (as `connectInvalidations`
 * resolved it) and the event's id there (`''` for a reset from a hub that has no events
 * yet). A tab that follows the tab holding the hub's connection remembers the id, so
 * that, taking over, it resumes after what it already heard.
 */
export interface PushOrigin {
  hub: string;
  id: string;
}

/** The worker's answer to an `invalidate` posted to it: its stores are done. */
export interface InvalidatedMessage {
  type: 'invalidated';
  id: string;
}

/**
 * The tab holding a hub's connection says where it stands: caught up with what was missed
 * (`ready`), or refused by the hub (`refused`, a 401). Sent when that changes, and in
 * answer to a `push-status-request`.
 */
export interface PushStatusMessage {
  type: 'push-status';
  /** The hub's absolute URL. */
  hub: string;
  status: 'ready' | 'refused';
  /** The id of the last event it applied (`''` before any). */
  lastId: string;
}

/** A tab following a hub's connection asks the tab holding it for its `push-status`. */
export interface PushStatusRequestMessage {
  type: 'push-status-request';
  hub: string;
}

/** The devtools panel asks the worker what it holds (answered on the message's port). */
export interface DevtoolsRequestMessage {
  type: 'devtools-request';
  id: string;
}

/** The worker's answer: its caches, route table, counters and last errors. */
export interface DevtoolsSnapshotMessage {
  type: 'devtools-snapshot';
  id: string;
  snapshot: WorkerSnapshot;
}

/** Every message of the protocol. */
export type Message =
  | SkipWaitingMessage
  | InvalidateMessage
  | InvalidatedMessage
  | DevtoolsRequestMessage
  | DevtoolsSnapshotMessage
  | PushStatusMessage
  | PushStatusRequestMessage;

/** A message as it travels: the body plus the protocol tag and version. */
export type Envelope<M extends Message = Message> = M & { cachette: typeof PROTOCOL_VERSION };

/**
 * Wraps a message for sending.
 * @example worker.postMessage(message({ type: 'skip-waiting' }))
 */
export function message<M extends Message>(body: M): Envelope<M> {
  return { ...body, cachette: PROTOCOL_VERSION };
}

/**
 * The message inside `data`, or `undefined` when `data` is not a valid message of this
 * protocol version. Never throws.
 * @example const msg = parseMessage(event.data); if (msg?.type === 'skip-waiting') ...
 */
export function parseMessage(data: unknown): Envelope | undefined {
  try {
    if (typeof data !== 'object' || data === null) return undefined;
    const d = data as Record<string, unknown>;
    if (d.cachette !== PROTOCOL_VERSION) return undefined;
    switch (d.type) {
      case 'skip-waiting':
        return { type: 'skip-waiting', cachette: PROTOCOL_VERSION };
      case 'invalidate': {
        if (!isId(d.id)) return undefined;
        const target = checkTarget(d.target);
        if (typeof target === 'string') return undefined;
        const applied = d.applied === undefined ? [] : d.applied;
        if (!Array.isArray(applied) || applied.length > 100 || !applied.every((a) => typeof a === 'string' && a.length <= 1024)) return undefined;
        if (d.at !== undefined && (typeof d.at !== 'number' || !Number.isFinite(d.at))) return undefined;
        const at = d.at === undefined ? {} : { at: d.at };
        if (d.pushed !== undefined && !isPushOrigin(d.pushed)) return undefined;
        const pushed = d.pushed === undefined ? {} : { pushed: { hub: d.pushed.hub, id: d.pushed.id } };
        return { type: 'invalidate', id: d.id, target, applied: [...(applied as string[])], ...at, ...pushed, cachette: PROTOCOL_VERSION };
      }
      case 'invalidated':
        return isId(d.id) ? { type: 'invalidated', id: d.id, cachette: PROTOCOL_VERSION } : undefined;
      case 'devtools-request':
        return isId(d.id) ? { type: 'devtools-request', id: d.id, cachette: PROTOCOL_VERSION } : undefined;
      case 'devtools-snapshot':
        return isId(d.id) && isSnapshot(d.snapshot)
          ? { type: 'devtools-snapshot', id: d.id, snapshot: d.snapshot, cachette: PROTOCOL_VERSION }
          : undefined;
      case 'push-status':
        return isHub(d.hub) && (d.status === 'ready' || d.status === 'refused') && isEventId(d.lastId)
          ? { type: 'push-status', hub: d.hub, status: d.status, lastId: d.lastId, cachette: PROTOCOL_VERSION }
          : undefined;
      case 'push-status-request':
        return isHub(d.hub) ? { type: 'push-status-request', hub: d.hub, cachette: PROTOCOL_VERSION } : undefined;
      default:
        return undefined;
    }
  } catch {
    // a hostile getter or a revoked proxy: not our message
    return undefined;
  }
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 64;
}

/** A hub's event id, or `''` for none yet. */
function isEventId(value: unknown): value is string {
  return value === '' || isId(value);
}

function isHub(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 2048;
}

function isPushOrigin(value: unknown): value is PushOrigin {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return isHub(v.hub) && isEventId(v.id);
}

/**
 * The worker's devtools snapshot, checked to its leaves: the panel then uses it as is.
 * Entries' `expires` may be `Infinity` (never); every other number is finite.
 */
function isSnapshot(value: unknown): value is WorkerSnapshot {
  return (
    isRecord(value) &&
    typeof value.scope === 'string' &&
    typeof value.scriptURL === 'string' &&
    isArrayOf(value.caches, isCacheSnapshot) &&
    isArrayOf(value.routes, isRouteSnapshot) &&
    isRecord(value.stats) &&
    isCountersByName(value.stats.routes) &&
    isCountersByName(value.stats.caches) &&
    isArrayOf(value.errors, isErrorSnapshot)
  );
}

function isCacheSnapshot(value: unknown): value is CacheSnapshot {
  return (
    isRecord(value) &&
    ['alias', 'backend', 'location', 'store', 'keyPrefix'].every((k) => typeof value[k] === 'string') &&
    ['version', 'maxEntries', 'hits', 'misses', 'count', 'bytes'].every((k) => isFiniteNumber(value[k])) &&
    (value.timeout === null || isFiniteNumber(value.timeout)) &&
    (value.error === undefined || typeof value.error === 'string') &&
    isArrayOf(value.entries, isEntryInfo)
  );
}

function isEntryInfo(value: unknown): value is CacheSnapshot['entries'][number] {
  return (
    isRecord(value) &&
    typeof value.key === 'string' &&
    typeof value.expires === 'number' &&
    !Number.isNaN(value.expires) &&
    isFiniteNumber(value.size) &&
    isFiniteNumber(value.used) &&
    (value.stored === undefined || isFiniteNumber(value.stored)) &&
    isArrayOf(value.tags, isString)
  );
}

function isRouteSnapshot(value: unknown): value is RouteSnapshot {
  return (
    isRecord(value) &&
    ['id', 'match', 'cache', 'keyPrefix'].every((k) => typeof value[k] === 'string') &&
    (value.kind === 'site' || value.kind === 'page' || value.kind === 'route') &&
    (value.ttl === null || isFiniteNumber(value.ttl)) &&
    isArrayOf(value.tags, isString) &&
    isArrayOf(value.invalidatedBy, isString) &&
    (value.staleWhileRevalidate === undefined || isFiniteNumber(value.staleWhileRevalidate)) &&
    (value.staleIfError === undefined || isFiniteNumber(value.staleIfError)) &&
    (value.ignoreParams === undefined || isArrayOf(value.ignoreParams, isString))
  );
}

function isCountersByName(value: unknown): value is Record<string, Counters> {
  return (
    isRecord(value) &&
    Object.values(value).every((c) => isRecord(c) && COUNTERS.every((k) => isFiniteNumber(c[k])) && LATER_COUNTERS.every((k) => c[k] === undefined || isFiniteNumber(c[k])))
  );
}

const COUNTERS: readonly (keyof Counters)[] = ['hits', 'misses', 'stored', 'notStored', 'errors'];
/** Counters a worker from before stale answers and revalidations does not send. */
const LATER_COUNTERS: readonly (keyof Counters)[] = ['revalidations', 'stale'];

function isErrorSnapshot(value: unknown): value is ErrorSnapshot {
  return isRecord(value) && typeof value.context === 'string' && typeof value.message === 'string' && isFiniteNumber(value.time);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isArrayOf<T>(value: unknown, item: (v: unknown) => v is T): value is T[] {
  return Array.isArray(value) && value.every(item);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
