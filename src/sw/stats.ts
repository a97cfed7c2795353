/**
 * Hit and miss counters kept by the worker, per route and per cache alias (the devtools
 * panel reads them), with its revalidations (304s) and the stale responses it served.
 */

import type { Counters } from '../core/snapshot.js';

export type { Counters };

/** The counters, by route id and by cache alias. */
export interface StatsSnapshot {
  routes: Record<string, Counters>;
  caches: Record<string, Counters>;
}

const byRoute = new Map<string, Counters>();
const byCache = new Map<string, Counters>();

/** Adds one to `field` for a route and its cache. */
export function count(routeId: string, alias: string, field: keyof Counters): void {
  for (const [map, id] of [[byRoute, routeId], [byCache, alias]] as const) {
    let counters = map.get(id);
    if (!counters) {
      counters = { hits: 0, misses: 0, stored: 0, notStored: 0, errors: 0, revalidations: 0, stale: 0 };
      map.set(id, counters);
    }
    counters[field] = (counters[field] ?? 0) + 1;
  }
}

/**
 * A copy of every counter.
 * @example workerStats().routes['site'].hits
 */
export function workerStats(): StatsSnapshot {
  const copy = (map: Map<string, Counters>) => Object.fromEntries([...map].map(([k, v]) => [k, { ...v }]));
  return { routes: copy(byRoute), caches: copy(byCache) };
}
