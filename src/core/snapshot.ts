/**
 * What the devtools panel shows of a cache: its settings, counters and live entries
 * (without values). Built the same way in pages and in the worker.
 */
import type { Cache } from './cache.js';
import type { EntryInfo } from './store.js';

/** One cache alias, as the panel shows it. */
export interface CacheSnapshot {
  alias: string;
  backend: string;
  location: string;
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
  bytes: number;
  /** Set when the store could not be read (the panel shows it instead of entries). */
  error?: string;
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
    keyPrefix: o.keyPrefix,
    version: o.version,
    timeout: o.timeout,
    maxEntries: o.maxEntries,
    ...cache.stats(),
  };
  try {
    const entries = await cache.store.list(now);
    return {
      ...base,
      entries: entries.slice(0, limit),
      count: entries.length,
      bytes: entries.reduce((sum, e) => sum + e.size, 0),
    };
  } catch (error) {
    return { ...base, entries: [], count: 0, bytes: 0, error: String(error) };
  }
}
