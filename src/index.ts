// 'cachette': the core. Configuration, the low-level cache API, fragment keys,
// cachedProperty and errors. Runs in pages, workers and Node.
export { defineCaches, getCache, cache, cacheAliases } from './caches.js';
export { invalidate, invalidateSession, onInvalidate } from './invalidate-on-demand.js';
export { SESSION_TAG, varyTag } from './core/entry-vocabulary.js';
export type { InvalidateTarget } from './core/invalidate-target.js';
export type { InvalidateListener } from './core/invalidation-bus.js';
export { Cache, type SetOptions, type Timeout, type VersionOptions } from './core/cache.js';
export type { CachesConfig, DefineOptions } from './core/handler.js';
export type { CacheOptions, KeyFunction } from './core/options.js';
export type { Backend, BackendName, BackendStore } from './core/backend.js';
export type { Clock } from './core/clock.js';
export type { Entry, EntryInfo, StoreCapabilities, WritePolicy } from './core/store.js';
export { makeFragmentKey } from './core/fragment-key.js';
export { cachedProperty } from './core/cached-property.js';
export { CacheMissError, UnstorableValueError } from './core/errors.js';
export { onCacheError, recentErrors, type ReportedError } from './core/report.js';
export { snapshotCache, type CacheSnapshot } from './core/snapshot.js';
