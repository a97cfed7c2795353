/**
 * The worker's side of the devtools panel: what it holds, its route table, counters and
 * last errors, as one plain-data snapshot.
 */
import { getCache } from '../caches.js';
import type { WorkerSnapshot } from '../core/protocol.js';
import { recentErrors } from '../core/report.js';
import { snapshotCache } from '../core/snapshot.js';
import { cacheAliases } from '../caches.js';
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
    routes: routeTable().map((r) => ({ ...r, invalidatedBy: r.invalidatedBy.map(String) })),
    stats: workerStats() as unknown as WorkerSnapshot['stats'],
    errors: recentErrors().map((e) => ({ context: e.context, message: e.error instanceof Error ? `${e.error.name}: ${e.error.message}` : String(e.error), time: e.time })),
  };
}
