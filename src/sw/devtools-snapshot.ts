/**
 * The worker's side of the devtools panel: what it holds, its route table, counters and
 * last errors, as one plain-data snapshot.
 */
import { cacheAliases, getCache } from '../caches.js';
import { snapshotCache, snapshotErrors, type WorkerSnapshot } from '../core/snapshot.js';
import { routeTable } from './route-table.js';
import { workerStats } from './stats.js';

declare const self: ServiceWorkerGlobalScope;

/**
 * Everything the panel shows of this worker.
 * @example port.postMessage(message({ type: 'devtools-snapshot', id, snapshot: await workerSnapshot() }))
 */
export async function workerSnapshot(): Promise<WorkerSnapshot> {
  const now = Date.now();
  const caches = await Promise.all(cacheAliases().map((alias) => snapshotCache(getCache(alias), now)));
  return {
    scope: self.registration?.scope ?? '',
    scriptURL: self.location.href,
    caches,
    // Plain data for postMessage: a RegExp pattern goes as its text.
    routes: routeTable().map((r) => ({ ...r, invalidatedBy: r.invalidatedBy.map(String) })),
    stats: workerStats(),
    errors: snapshotErrors(),
  };
}
