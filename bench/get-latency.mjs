// Benchmark: page-side `get` hit latency (one ~1 KB value, the same key read again and
// again) for each Cachette backend against the raw platform call beneath it, in real
// Chromium with an on-disk profile. The page (bench/page/get-latency.ts) does the timing;
// this file builds it, serves it cross-origin isolated, opens it and summarizes.
import { environmentLine, resultJson, runIfMain, runPage, variantTable } from './lib/harness.mjs';
import { ratio, round2, roundAll, summarize, us } from './lib/stats.mjs';
import { fixed, markdownTable, ratioTable, times } from './lib/table.mjs';

export const name = 'get-latency';
export const description = 'page-side get hit latency, 1 KB value, Cachette backends vs raw platform APIs';

/** Variants in report order; `floor` is the raw call the variant is compared with. */
const VARIANTS = [
  { id: 'map', label: '`Map.get` (floor for memory)' },
  { id: 'memory', label: 'Cachette `memory` `cache.get`', floor: 'map' },
  { id: 'raw-idb', label: 'raw IndexedDB `get`, own readonly tx (floor for idb)' },
  { id: 'idb', label: 'Cachette `idb` `cache.get`', floor: 'raw-idb' },
  { id: 'idb-lib', label: '`idb` library `db.get` on the raw database (the wrapper the backend uses)', floor: 'raw-idb' },
  { id: 'raw-cache-storage', label: 'raw Cache Storage `match` + `.json()` (floor for cache-storage)' },
  { id: 'cache-storage', label: 'Cachette `cache-storage` `cache.get`', floor: 'raw-cache-storage' },
  { id: 'raw-caches-match', label: 'raw `caches.match(url, { cacheName })` + `.json()` (the call the backend makes)', floor: 'raw-cache-storage' },
];
const BATCH_LABELS = {
  map: '`Map.get`',
  'map+structuredClone': '`structuredClone(Map.get())`',
  memory: 'Cachette `memory` `cache.get`',
};

const REPORT_TIMEOUT_MS = 150_000;

/** Runs the benchmark once (page parameters: rounds, warmup, batches, batchWarmup, seed). */
export async function run({ driver = 'playwright', params = {}, log = console.error } = {}) {
  const { result, environment } = await runPage({ page: name, driver, params, log, timeoutMs: REPORT_TIMEOUT_MS });
  return summarizeReport(result, environment);
}

function summarizeReport(result, environment) {
  const stats = Object.fromEntries(VARIANTS.map(({ id }) => [id, summarize(us(result.samplesMs[id] ?? []))]));
  const batchStats = Object.fromEntries(Object.entries(result.batch.perGetMs).map(([id, ms]) => [id, summarize(us(ms))]));
  const rel = (a, b, key = 'median') => ratio(stats[a][key], stats[b][key]);

  const ratios = {
    'memory / Map.get (per call, median)': rel('memory', 'map'),
    'memory / Map.get (batched, median)': ratio(batchStats.memory.median, batchStats.map.median),
    'memory / structuredClone(Map.get()) (batched, median)': ratio(batchStats.memory.median, batchStats['map+structuredClone'].median),
    'idb / raw IDB get (median)': rel('idb', 'raw-idb'),
    'idb / raw IDB get (p95)': rel('idb', 'raw-idb', 'p95'),
    'idb / `idb` library db.get (median)': rel('idb', 'idb-lib'),
    'cache-storage / raw match+json (median)': rel('cache-storage', 'raw-cache-storage'),
    'cache-storage / raw match+json (p95)': rel('cache-storage', 'raw-cache-storage', 'p95'),
    'cache-storage / raw caches.match({ cacheName })+json (median)': rel('cache-storage', 'raw-caches-match'),
  };

  // A per-call floor below the timer's resolution has a median of 0: use the batched ratio.
  const floorCell = (id, floor) => {
    if (!floor) return '(floor)';
    const perCall = rel(id, floor);
    if (perCall !== null) return times(perCall);
    const batchedRatio = batchStats[id] && batchStats[floor] ? ratio(batchStats[id].median, batchStats[floor].median) : null;
    return batchedRatio === null ? '–' : `${times(batchedRatio)} (batched)`;
  };
  const resolutionUs = result.timerResolutionMs * 1000;
  const mainTable = variantTable(VARIANTS, [
    ['variant', (v) => v.label],
    ['median µs', (v) => fixed(stats[v.id].median)],
    ['p95 µs', (v) => fixed(stats[v.id].p95)],
    ['mean µs', (v) => fixed(stats[v.id].mean)],
    ['vs its floor (median)', (v) => floorCell(v.id, v.floor)],
    ['vs raw IDB get (median)', (v) => times(rel(v.id, 'raw-idb'))],
  ]);
  const batchTable = markdownTable(
    ['in-memory variant, batched', 'gets per batch', 'median ns/get', 'p95 ns/get'],
    Object.keys(BATCH_LABELS).map((id) => [BATCH_LABELS[id], String(result.batch.sizes[id]), fixed(batchStats[id].median * 1000, 0), fixed(batchStats[id].p95 * 1000, 0)]),
  );
  const markdown = [
    `### get-latency: ${result.config.rounds} interleaved rounds after ${result.config.warmup} warm-up, ${result.valueJsonBytes}-byte JSON value, one key`,
    '',
    environmentLine(result, environment, `${fixed(resolutionUs, 1)} µs (crossOriginIsolated)`),
    '',
    mainTable,
    '',
    `Per-call times are quantized to the ${fixed(resolutionUs, 1)} µs timer, so in-memory variants are also timed over calibrated batches (${result.config.batches} batches each, interleaved):`,
    '',
    batchTable,
    '',
    ratioTable(ratios),
  ].join('\n');

  const json = resultJson({ name, description }, {
    environment: { ...environment, userAgent: result.userAgent, timerResolutionUs: resolutionUs, crossOriginIsolated: result.crossOriginIsolated },
    config: { ...result.config, valueJsonBytes: result.valueJsonBytes, order: 'interleaved, shuffled within each round (seeded)' },
    unit: 'µs',
    variants: Object.fromEntries(VARIANTS.map(({ id, label, floor }) => [id, { label, floor: floor ?? null, ...roundAll(stats[id], 2), vsRawIdbMedian: rel(id, 'raw-idb') }])),
    batched: Object.fromEntries(Object.keys(BATCH_LABELS).map((id) => [id, { label: BATCH_LABELS[id], getsPerBatch: result.batch.sizes[id], ...roundAll(batchStats[id], 4) }])),
    ratios,
    samplesUs: Object.fromEntries(VARIANTS.map(({ id }) => [id, us(result.samplesMs[id] ?? []).map(round2)])),
  });
  return { markdown, json };
}

await runIfMain(import.meta.url, { name, description, run });
