/**
 * What the devtools panel shows of a context: each cache's settings, counters and live
 * entries (without values) and, from the worker, its route table, counters and last
 * errors. One shape from core to panel: built the same way in pages and in the worker,
 * posted as is, checked once on arrival (`parseMessage`).
 */
import { storeId } from './apply-invalidation.js';
import type { Cache } from './cache.js';
import { recentErrors } from './report.js';
import type { RoutePattern } from './route-pattern.js';
import type { EntryInfo } from './store.js';

/** One cache alias, as the panel shows it. */
export interface CacheSnapshot {
  alias: string;
  backend: string;
  location: string;
  /** The store's identity (`storeId`): aliases with the same one share their entries. */
  store: string;
  keyPrefix: string;
  version: number;
  timeout: number | null;
  maxEntries: number;
  hits: number;
  misses: number;
  /** Live entries in the alias's store (shared by aliases of one location), at most `limit`. */
  entries: EntryInfo[];
  /** How many live entries the store holds (may exceed `entries.length`). */
  count: number;
  /** The size of the listed entries (of all of them when `count` is `entries.length`). */
  bytes: number;
  /** Set when the store could not be read (the panel shows it instead of entries). */
  error?: string;
}

/**
 * One declared worker route: one row per `cacheSite`, `cachePage` handler and `cacheRoutes`
 * row (kept in core so the snapshot can name it; `cachette/sw` exports it).
 */
export interface RouteInfo {
  /** Stable across worker restarts: the declaration order and pattern. */
  id: string;
  kind: 'site' | 'page' | 'route';
  /** The pattern as text (`'/api/authors/:id'`, `/^https:/`, `'(function)'`). */
  match: string;
  /** Seconds; `null` never expires. For `site`, the default when a response has no max-age. */
  ttl: number | null;
  cache: string;
  keyPrefix: string;
  tags: string[];
  invalidatedBy: RoutePattern[];
  /** Seconds a stale entry is served while it is refreshed; absent when 0. */
  staleWhileRevalidate?: number;
  /** Seconds a stale entry answers for a failed network; absent when 0. */
  staleIfError?: number;
  /** The query parameters left out of the key, as text (`'fbclid'`, `'/^utm_/'`); absent when none. */
  ignoreParams?: string[];
}

/** A route as it crosses `postMessage`: its `invalidatedBy` patterns as text. */
export interface RouteSnapshot extends Omit<RouteInfo, 'invalidatedBy'> {
  invalidatedBy: string[];
}

/** What happened to the requests one worker route or cache alias saw. */
export interface Counters {
  /** Served from the cache. */
  hits: number;
  /** Looked up, not found: went to the network. */
  misses: number;
  /** Responses written to the cache. */
  stored: number;
  /** Responses the rules kept out of the cache (status, Cache-Control, Vary…). */
  notStored: number;
  /** Storage failures survived by falling back to the network. */
  errors: number;
  /**
   * Expired entries the network confirmed with a 304: renewed without their body. Optional:
   * a worker from before it was counted sends none (the worker of this version always does).
   */
  revalidations?: number;
  /** Stale entries served: during a background refresh (`staleWhileRevalidate`) or for a failed network (`staleIfError`). Optional as `revalidations`. */
  stale?: number;
}

/** An error a context recovered from, as text. */
export interface ErrorSnapshot {
  context: string;
  message: string;
  time: number;
}

/** What the worker tells the devtools panel. Plain data: it crosses `postMessage`. */
export interface WorkerSnapshot {
  scope: string;
  scriptURL: string;
  caches: CacheSnapshot[];
  routes: RouteSnapshot[];
  /** The worker's counters, by route id and by cache alias. */
  stats: { routes: Record<string, Counters>; caches: Record<string, Counters> };
  errors: ErrorSnapshot[];
}

/**
 * A snapshot of `cache` at `now`.
 * @example const snap = await snapshotCache(getCache('pages'), Date.now());
 */
export async function snapshotCache(cache: Cache, now: number, limit = 500): Promise<CacheSnapshot> {
  const o = cache.options;
  const base = {
    alias: cache.alias,
    backend: o.backend,
    location: o.location,
    store: storeId(cache.store),
    keyPrefix: o.keyPrefix,
    version: o.version,
    timeout: o.timeout,
    maxEntries: o.maxEntries,
    ...cache.stats(),
  };
  try {
    // A bounded listing, and a count only when it is full: a 100k-entry store is never read whole.
    const entries = await cache.store.list(now, limit);
    return {
      ...base,
      entries,
      count: entries.length < limit ? entries.length : Math.max(entries.length, await cache.store.count(now)),
      bytes: entries.reduce((sum, e) => sum + e.size, 0),
    };
  } catch (error) {
    return { ...base, entries: [], count: 0, bytes: 0, error: String(error) };
  }
}

/**
 * The last errors this context recovered from (`recentErrors`), as text.
 * @example snapshotErrors().at(-1)?.message // "QuotaExceededError: full"
 */
export function snapshotErrors(): ErrorSnapshot[] {
  return recentErrors().map((e) => ({ context: e.context, message: errorText(e.error), time: e.time }));
}

/**
 * An error as one line of text: `Name: message` for an Error.
 * @example errorText(new TypeError('bad')) // "TypeError: bad"
 */
export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
