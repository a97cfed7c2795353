/**
 * Collects what the panel shows, in the page: every page-side alias, the controlling
 * worker's snapshot (its aliases, route table, counters and errors), storage use and the
 * last errors. Never rejects: what cannot be read becomes an error line.
 */
import { cacheAliases, getCache } from '../caches.js';
import { errorText, snapshotCache, snapshotErrors, type CacheSnapshot } from '../core/snapshot.js';
import { requestWorkerSnapshot } from '../page/worker-snapshot.js';
import { describeEntry } from './describe-entry.js';
import { PANEL_DATA_VERSION, type PanelCache, type PanelData, type PanelError, type PanelRoute, type PanelStorage, type PanelWorker } from './panel-data.js';
import { routeNamer } from './route-name.js';

/** Options of `collectPanelData`. */
export interface CollectOptions {
  /** How long to wait for the worker's snapshot (ms); default 1500. */
  workerTimeout?: number;
  /** Errors of the panel itself (failed actions), merged into the list. */
  panelErrors?: readonly PanelError[];
  /** The clock; default `Date.now`. */
  now?: () => number;
}

const MAX_ERRORS = 30;

/**
 * Everything the panel shows, now.
 * @example view.update(await collectPanelData());
 */
export async function collectPanelData(options: CollectOptions = {}): Promise<PanelData> {
  const now = (options.now ?? Date.now)();
  const [pageSnaps, worker, storage] = await Promise.all([pageSnapshots(now), workerPart(options.workerTimeout ?? 1500), storageEstimate()]);
  // A page reads the worker's entries too (a shared IndexedDB store): named by the worker's routes.
  const routeName = routeNamer(worker.worker.routes);
  const page = pageSnaps.map((p) => ('snap' in p ? panelCache(p.snap, 'page', p.originShared, routeName) : p));
  const pageErrors = snapshotErrors().map((e): PanelError => ({ ...e, side: 'page' }));
  const errors = [...pageErrors, ...worker.errors, ...(options.panelErrors ?? [])].sort((a, b) => b.time - a.time).slice(0, MAX_ERRORS);
  const shared = new Set(page.filter((c) => c.originShared).map((c) => c.store));
  for (const c of worker.caches) c.originShared = shared.has(c.store);
  return { version: PANEL_DATA_VERSION, time: now, caches: [...page, ...worker.caches], worker: worker.worker, storage, errors };
}

// A page alias's snapshot, described once the worker's routes are known; or the alias that could not be read.
type PageSnapshot = { snap: CacheSnapshot; originShared: boolean } | PanelCache;

async function pageSnapshots(now: number): Promise<PageSnapshot[]> {
  return Promise.all(
    cacheAliases().map(async (alias): Promise<PageSnapshot> => {
      try {
        const cache = getCache(alias);
        return { snap: await snapshotCache(cache, now), originShared: cache.store.capabilities.sharing === 'origin' };
      } catch (error) {
        return { ...emptyCache(alias, 'page'), error: errorText(error) };
      }
    }),
  );
}

async function workerPart(timeout: number): Promise<{ worker: PanelWorker; caches: PanelCache[]; errors: PanelError[] }> {
  const controlled = typeof navigator !== 'undefined' && Boolean(navigator.serviceWorker?.controller);
  if (!controlled) return { worker: { state: 'none', routes: [] }, caches: [], errors: [] };
  // Checked on arrival (parseMessage): from here on it is a WorkerSnapshot, used as is.
  const snap = await requestWorkerSnapshot(timeout).catch(() => undefined);
  if (!snap) {
    const scriptURL = navigator.serviceWorker?.controller?.scriptURL;
    return { worker: { state: 'silent', routes: [], ...(scriptURL ? { scriptURL } : {}) }, caches: [], errors: [] };
  }
  const { stats } = snap;
  const routes = snap.routes.map((r): PanelRoute => {
    const { hits = 0, misses = 0, stored = 0, revalidations = 0, stale = 0 } = stats.routes[r.id] ?? {};
    return { ...r, hits, misses, stored, revalidations, stale };
  });
  const routeName = routeNamer(routes);
  const caches = snap.caches.map((c) => {
    // The worker counts requests per alias; `Cache.stats()` there counts lower-level reads.
    const { hits = c.hits, misses = c.misses } = stats.caches[c.alias] ?? {};
    return panelCache({ ...c, hits, misses }, 'worker', false, routeName);
  });
  const errors = snap.errors.map((e): PanelError => ({ ...e, side: 'worker' }));
  return { worker: { state: 'ok', scriptURL: snap.scriptURL, scope: snap.scope, routes }, caches, errors };
}

function panelCache(snap: CacheSnapshot, side: PanelCache['side'], originShared: boolean, routeName?: (id: string) => string): PanelCache {
  return { ...snap, side, originShared, entries: snap.entries.map((e) => describeEntry(e, snap, routeName)) };
}

function emptyCache(alias: string, side: PanelCache['side']): PanelCache {
  return { alias, side, backend: '?', location: '', store: '?', keyPrefix: '', version: 1, timeout: null, maxEntries: 0, originShared: false, count: 0, bytes: 0, hits: 0, misses: 0, entries: [] };
}

async function storageEstimate(): Promise<PanelStorage> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  const result: PanelStorage = {};
  try {
    const estimate = await storage?.estimate?.();
    if (typeof estimate?.usage === 'number') result.usage = estimate.usage;
    if (typeof estimate?.quota === 'number') result.quota = estimate.quota;
  } catch {
    // not offered here (an opaque origin, an old browser): shown as unknown
  }
  try {
    const persisted = await storage?.persisted?.();
    if (typeof persisted === 'boolean') result.persisted = persisted;
  } catch {
    // as above
  }
  return result;
}
