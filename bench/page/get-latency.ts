/**
 * Page-side `get` hit latency: one ~1 KB value under one key, written once, then read
 * repeatedly (a repeated hit of the same key) through Cachette's backends and through the
 * raw platform APIs they sit on, interleaved. The runner (bench/get-latency.mjs) builds,
 * serves and opens this page, and summarizes what it reports.
 */
import { openDB } from 'idb';
import { defineCaches, getCache } from '../../src/index.js';
import { assertIsolated, batched, interleaved, numberParam, runAndReport, timerResolution, type Variant } from './lib/harness.js';

const KEY = 'bench-item';
const RAW_IDB_NAME = 'bench-raw-idb';
const RAW_IDB_STORE = 'kv';
const RAW_CACHE_NAME = 'bench-raw-cache-storage';
const RAW_CACHE_URL = '/__bench/raw/bench-item';
const VALUE_BYTES = 1024;

void runAndReport(async () => {
  assertIsolated();
  const config = {
    warmup: numberParam('warmup', 300),
    rounds: numberParam('rounds', 2000),
    batchWarmup: numberParam('batchWarmup', 20),
    batches: numberParam('batches', 200),
    seed: numberParam('seed', 1),
  };
  const value = makeValue(VALUE_BYTES);
  const expected = JSON.stringify(value);

  defineCaches({
    default: { backend: 'idb', location: 'bench' },
    mem: { backend: 'memory' },
    cs: { backend: 'cache-storage', location: 'bench' },
  });
  const idbCache = getCache();
  const memCache = getCache('mem');
  const csCache = getCache('cs');

  const map = new Map<string, unknown>([[KEY, value]]);
  const rawDb = await openRawDb();
  await rawIdbPut(rawDb, value);
  // The same database through the `idb` wrapper the backend uses, to split its cost from Cachette's.
  const wrappedDb = await openDB(RAW_IDB_NAME, 1);
  const rawCache = await caches.open(RAW_CACHE_NAME);
  await rawCache.put(new Request(RAW_CACHE_URL), new Response(expected, { headers: { 'Content-Type': 'application/json' } }));
  await idbCache.set(KEY, value, null);
  await memCache.set(KEY, value, null);
  await csCache.set(KEY, value, null);

  const variants: Variant[] = [
    { id: 'map', run: () => map.get(KEY) },
    { id: 'raw-idb', run: () => rawIdbGet(rawDb) },
    { id: 'memory', run: () => memCache.get(KEY) },
    { id: 'idb', run: () => idbCache.get(KEY) },
    { id: 'idb-lib', run: () => wrappedDb.get(RAW_IDB_STORE, KEY) },
    { id: 'cache-storage', run: () => csCache.get(KEY) },
    { id: 'raw-cache-storage', run: async () => (await rawCache.match(RAW_CACHE_URL))?.json() },
    // What the backend calls instead of an opened Cache (it keeps none between calls).
    { id: 'raw-caches-match', run: async () => (await caches.match(RAW_CACHE_URL, { cacheName: RAW_CACHE_NAME }))?.json() },
  ];
  const check = (variant: Variant, result: unknown) => {
    if (JSON.stringify(result) !== expected) {
      throw new Error(`variant '${variant.id}' read the wrong value: ${JSON.stringify(result)?.slice(0, 120) ?? String(result)}`);
    }
  };

  const resolutionMs = timerResolution();
  const started = performance.now();
  const samples = await interleaved(variants, { warmup: config.warmup, rounds: config.rounds, seed: config.seed, check });
  const interleavedMs = performance.now() - started;

  // Map.get and the memory backend are at or below the timer's resolution per call, so
  // their ratio is also measured over calibrated batches of consecutive gets.
  const byId = (id: string) => variants.find((v) => v.id === id)!;
  const inMemory: Variant[] = [byId('map'), { id: 'map+structuredClone', run: () => structuredClone(map.get(KEY)) }, byId('memory')];
  const batch = await batched(inMemory, { warmup: config.batchWarmup, batches: config.batches, targetMs: 1, seed: config.seed + 1, check });

  rawDb.close();
  wrappedDb.close();
  document.querySelector('#status')!.textContent = 'done';
  return {
    userAgent: navigator.userAgent,
    crossOriginIsolated,
    timerResolutionMs: resolutionMs,
    valueJsonBytes: expected.length,
    config,
    interleavedMs,
    samplesMs: samples,
    batch: { sizes: batch.sizes, perGetMs: batch.samples },
  };
});

/** A JSON-ish object whose JSON is exactly `bytes` long (nested, mixed types). */
function makeValue(bytes: number): Record<string, unknown> {
  const value: Record<string, unknown> = {
    id: 4217,
    slug: 'top-authors-this-week',
    published: true,
    score: 0.8731,
    updatedAt: '2025-11-26T12:00:00.000Z',
    author: { id: 17, name: 'Ada Lovelace', email: 'ada@example.com', roles: ['editor', 'admin'] },
    tags: ['cache', 'browser', 'django', 'indexeddb'],
    items: [] as unknown[],
    note: '',
  };
  const items = value.items as unknown[];
  for (let i = 0; JSON.stringify(value).length < bytes - 80; i += 1) {
    items.push({ id: i, title: `Item number ${i}`, price: 9.99 + i, inStock: i % 2 === 0 });
  }
  value.note = 'x'.repeat(bytes - JSON.stringify(value).length);
  return value;
}

function openRawDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(RAW_IDB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(RAW_IDB_STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error(`opening '${RAW_IDB_NAME}' is blocked`));
  });
}

function rawIdbPut(db: IDBDatabase, value: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(RAW_IDB_STORE, 'readwrite');
    tx.objectStore(RAW_IDB_STORE).put(value, KEY);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

/** One get in its own readonly transaction, resolved on the request's success (as `idb` does). */
function rawIdbGet(db: IDBDatabase): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = db.transaction(RAW_IDB_STORE, 'readonly').objectStore(RAW_IDB_STORE).get(KEY);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
