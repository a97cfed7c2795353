/**
 * What the devtools panel shows, as plain JSON: collected in the page (`collectPanelData`),
 * rendered by the in-page panel, and read by the Chrome extension through the page hook,
 * where it crosses `inspectedWindow.eval` as JSON (so `expires` is `null` for "never",
 * never `Infinity`). Built on core's snapshot shapes (`CacheSnapshot`, `RouteSnapshot`),
 * imported as types only: the extension bundle uses this file alone.
 */
import type { CacheSnapshot, Counters, ErrorSnapshot, RouteSnapshot } from '../core/snapshot.js';

/** Bumped on an incompatible change of `PanelData`; the extension refuses other versions. */
export const PANEL_DATA_VERSION = 1;

/** Everything the panel shows at one moment. */
export interface PanelData {
  version: typeof PANEL_DATA_VERSION;
  /** When it was collected (ms since the epoch). */
  time: number;
  /** Page-side aliases first (in configuration order), then the worker's. */
  caches: PanelCache[];
  worker: PanelWorker;
  storage: PanelStorage;
  /** Newest first. */
  errors: PanelError[];
}

/** One alias as one context (the page or the worker) sees it: its snapshot, entries described. */
export interface PanelCache extends Omit<CacheSnapshot, 'entries'> {
  side: 'page' | 'worker';
  /** Whether every tab and the worker share this store (same `store`: same entries). */
  originShared: boolean;
  entries: PanelEntry[];
}

/** One live entry, without its value. */
export interface PanelEntry {
  /** The stored key (`keyPrefix:version:key` unless a `keyFunction` says otherwise). */
  key: string;
  /** What the panel shows as the key: the URL of a worker entry, else the caller's key, else the stored key. */
  label: string;
  /** A plain value, a worker's stored response, or the worker's learnt `Vary` list for a URL. */
  kind: 'value' | 'response' | 'vary';
  url?: string;
  /** The worker route that stored it (its pattern when the route table knows it). */
  route?: string;
  /** Parsed from a `prefix:version:key` stored key. */
  version?: number;
  /** The caller's key, when the stored key has the alias's own prefix and version (so `invalidate({ keys })` reaches it). */
  callerKey?: string;
  size: number;
  /** Expiry in ms since the epoch; `null` never expires. */
  expires: number | null;
  /** The entry's tags, without Cachette's internal URL and route tags. */
  tags: string[];
}

/** The worker as the panel sees it. */
export interface PanelWorker {
  /** `none`: no worker controls the page; `silent`: one does but gave no snapshot in time. */
  state: 'ok' | 'none' | 'silent';
  scriptURL?: string;
  scope?: string;
  routes: PanelRoute[];
}

/** One row of the worker's route table, with its counters. */
export interface PanelRoute extends RouteSnapshot, Pick<Counters, 'hits' | 'misses' | 'stored' | 'revalidations' | 'stale'> {}

/** `navigator.storage` as far as the browser tells. */
export interface PanelStorage {
  usage?: number;
  quota?: number;
  persisted?: boolean;
}

/** An error Cachette (or the panel) recovered from. */
export interface PanelError extends ErrorSnapshot {
  side: 'page' | 'worker' | 'panel';
}

/**
 * Whether `value` looks like panel data of this version (the extension reads it from
 * another page, so it is checked before use).
 * @example if (isPanelData(result)) view.update(result);
 */
export function isPanelData(value: unknown): value is PanelData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const worker = v.worker as Record<string, unknown> | null | undefined;
  return (
    v.version === PANEL_DATA_VERSION &&
    typeof v.time === 'number' &&
    Array.isArray(v.caches) &&
    v.caches.every(isCache) &&
    typeof worker === 'object' &&
    worker !== null &&
    typeof worker.state === 'string' &&
    Array.isArray(worker.routes) &&
    typeof v.storage === 'object' &&
    v.storage !== null &&
    Array.isArray(v.errors)
  );
}

function isCache(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return typeof c.alias === 'string' && typeof c.store === 'string' && (c.side === 'page' || c.side === 'worker') && Array.isArray(c.entries);
}
