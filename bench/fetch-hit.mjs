// Benchmark: cache-HIT fetch latency from a page through a service worker, for 1 KB and
// 100 KB bodies: no worker (reference), two hand-written floors (in-memory Map, Cache
// Storage), Workbox CacheFirst with and without ExpirationPlugin, Cachette's route table
// and its `httpCache()` (RFC 9111 rules) over the cache-storage and idb backends,
// interleaved in one Chromium run. Only the httpCache variants' origins send
// `Cache-Control: max-age` (HTTP_FRESH): their worker obeys it, and no other variant's
// origin changes (the reference would be answered by the browser's HTTP cache).
//
// Each variant gets its own origin (a server on its own port): its own worker and its own
// storage, so no variant's writes (Workbox's ExpirationPlugin writes IndexedDB on every
// hit) share an IndexedDB/Cache Storage backend with another's reads, and every worker
// runs its real configuration (Cachette's `/data/*`, a scope of `/`). The coordinating page
// (bench/page/fetch-hit.ts) embeds one frame per origin; each frame times its own fetches
// (fetch + whole body) with its own cross-origin isolated clock.
//
// Chromium runs without Playwright by default here (`--driver=bare`): Playwright's network
// instrumentation adds 0.6–1.2 ms to every fetch (see /work/shared/BENCHMARKING.md).
import { buildPage } from './lib/build-page.mjs';
import { BASELINE } from './lib/build-worker.mjs';
import { environmentLine, loadMeter, resultJson, runIfMain, runPage, startOrigins, variantTable } from './lib/harness.mjs';
import { ratio, round2, roundAll, summarize, us } from './lib/stats.mjs';
import { fixed, markdownTable, times } from './lib/table.mjs';

export const name = 'fetch-hit';
export const description = 'cache-hit fetch latency through a service worker (1 KB, 100 KB): Cachette vs hand-written workers and Workbox';
/** Fetch timings are what Playwright's instrumentation distorts. */
export const defaultDriver = 'bare';

/** Variants in report order; `worker` names the entry in bench/workers/ (built from `checkout`, CACHETTE_BASELINE, when set). */
/** What the httpCache variants' origins send with their bodies: fresh for longer than a run (at most REPORT_TIMEOUT_MS). */
const HTTP_FRESH = { 'Cache-Control': 'max-age=3600' };
const VARIANTS = [
  { id: 'none', label: 'no worker (loopback server, 0 ms delay)' },
  { id: 'minimal-memory', label: 'minimal worker, in-memory `Map` (floor for any worker hit)', worker: 'minimal-memory' },
  { id: 'minimal-cache-storage', label: 'minimal worker, `caches.match` (floor for Cache Storage)', worker: 'minimal-cache-storage' },
  { id: 'workbox-cf-exp', label: 'Workbox `CacheFirst` + `ExpirationPlugin`', worker: 'workbox-cache-first-expiration' },
  { id: 'workbox-cf', label: 'Workbox `CacheFirst` alone', worker: 'workbox-cache-first' },
  { id: 'cachette-cs', label: 'Cachette `cacheRoutes`, `cache-storage` backend', worker: 'cachette-cache-storage' },
  { id: 'cachette-idb', label: 'Cachette `cacheRoutes`, `idb` backend', worker: 'cachette-idb' },
  { id: 'cachette-http-cs', label: 'Cachette `httpCache()`, `cache-storage` backend', worker: 'cachette-http-cache-storage', headers: HTTP_FRESH },
  { id: 'cachette-http-idb', label: 'Cachette `httpCache()`, `idb` backend', worker: 'cachette-http-idb', headers: HTTP_FRESH },
  ...(BASELINE === undefined
    ? []
    : [
        { id: 'cachette-cs-baseline', label: 'the same, `cache-storage`, built from CACHETTE_BASELINE', worker: 'cachette-cache-storage', checkout: BASELINE },
        { id: 'cachette-idb-baseline', label: 'the same, `idb`, built from CACHETTE_BASELINE', worker: 'cachette-idb', checkout: BASELINE },
      ]),
];
const SIZES = [
  { id: '1k', path: '/data/1k', bytes: 1024, label: '1 KB' },
  { id: '100k', path: '/data/100k', bytes: 100 * 1024, label: '100 KB' },
];
/** [numerator, denominator, goal (median ratio must be at most / below it), comparison]. */
const RATIOS = [
  ['cachette-cs', 'minimal-cache-storage', 1.15, '≤'],
  ['cachette-idb', 'workbox-cf-exp', 1, '<'],
  ['cachette-cs', 'workbox-cf'],
  ['cachette-idb', 'workbox-cf'],
  ['cachette-cs', 'workbox-cf-exp'],
  ['cachette-idb', 'minimal-cache-storage'],
  ['workbox-cf', 'minimal-cache-storage'],
  ['minimal-cache-storage', 'minimal-memory'],
  ['cachette-http-idb', 'cachette-idb'],
  ['cachette-http-idb', 'minimal-cache-storage'],
  ['cachette-http-cs', 'cachette-cs'],
  ['cachette-http-cs', 'minimal-cache-storage'],
  ...(BASELINE === undefined
    ? []
    : [
        ['cachette-cs', 'cachette-cs-baseline'],
        ['cachette-idb', 'cachette-idb-baseline'],
      ]),
];

const REPORT_TIMEOUT_MS = 270_000;

/** Runs the benchmark once (page parameters: rounds, warmup, gapMs, seed). */
export async function run({ driver = defaultDriver, params = {}, log = console.error } = {}) {
  const load = loadMeter();
  const frame = await buildPage(`${name}-frame`);
  const origins = await startOrigins(VARIANTS, { root: frame.dir, bodies: Object.fromEntries(SIZES.map((s) => [s.path, makeBody(s.bytes)])) });
  try {
    const setup = {
      variants: VARIANTS.map((v, i) => ({ id: v.id, origin: origins[i].origin, worker: v.worker !== undefined })),
      sizes: SIZES.map(({ id, path, bytes }) => ({ id, path, bytes })),
    };
    const { result, environment } = await runPage({ page: name, driver, params, log, load, timeoutMs: REPORT_TIMEOUT_MS, tabs: [{ setup: JSON.stringify(setup) }], notIsolated: 'the page was not cross-origin isolated' });
    checkServerCounts(result, origins);
    return summarizeReport(result, environment);
  } finally {
    await origins.close();
  }
}

/** The page checked the counts; the servers' own counts are checked again here, after the run. */
function checkServerCounts(result, origins) {
  const { warmup, rounds } = result.config;
  const wrong = [];
  VARIANTS.forEach((variant, i) => {
    const hits = origins[i].hits();
    for (const size of SIZES) {
      const warm = result.warm[variant.id][size.path].serverHits;
      const expected = variant.worker ? warm : warm + warmup + rounds;
      if (hits[size.path] !== expected) wrong.push(`${variant.id} ${size.path}: the server counted ${hits[size.path]}, expected ${expected}`);
    }
  });
  if (wrong.length) throw new Error(`a measured worker "hit" reached the server:\n${wrong.join('\n')}`);
}

function summarizeReport(result, environment) {
  const stats = Object.fromEntries(
    VARIANTS.map(({ id }) => [id, Object.fromEntries(SIZES.map((s) => [s.id, summarize(us(result.samplesMs[id][s.id]))]))]),
  );
  const rel = (a, b, size, key = 'median') => ratio(stats[a][size][key], stats[b][size][key]);
  const label = (id) => VARIANTS.find((v) => v.id === id).label;

  const mainTable = variantTable(VARIANTS, [
    ['variant', (v) => v.label],
    ...SIZES.flatMap((s) => [
      [`${s.label} median µs`, ({ id }) => fixed(stats[id][s.id].median, 0)],
      [`${s.label} p95 µs`, ({ id }) => fixed(stats[id][s.id].p95, 0)],
      [`${s.label} vs no worker`, ({ id }) => (id === 'none' ? '(reference)' : times(rel(id, 'none', s.id)))],
    ]),
  ]);
  const ratios = {};
  const ratioRows = [];
  for (const [a, b, goal, op] of RATIOS) {
    const key = `${a} / ${b}`;
    ratios[key] = {};
    const cells = [];
    for (const s of SIZES) {
      const median = rel(a, b, s.id);
      const p95 = rel(a, b, s.id, 'p95');
      const met = goal === undefined || median === null ? null : op === '<' ? median < goal : median <= goal;
      ratios[key][s.id] = { median, p95, deltaMedianUs: stats[a][s.id].median - stats[b][s.id].median, ...(goal === undefined ? {} : { goal: `${op} ${goal}`, met }) };
      cells.push(`${times(median)} (p95 ${times(p95)})${met === null ? '' : met ? ' ✓' : ' ✗'}`);
    }
    ratioRows.push([`${label(a)} / ${label(b)}`, goal === undefined ? '' : `${op} ${goal}`, ...cells]);
  }
  const ratioTable = markdownTable(['ratio (median, p95)', 'goal', ...SIZES.map((s) => s.label)], ratioRows);
  const frames = Object.values(result.frames);
  const resolutionUs = Math.max(result.timerResolutionMs, ...frames.map((f) => f.timerResolutionMs)) * 1000;
  const warmFetches = VARIANTS.filter((v) => v.worker).map((v) => `${v.id} ${SIZES.map((s) => result.warm[v.id][s.path].fetches).join('/')}`);
  const markdown = [
    `### fetch-hit: ${result.config.rounds} interleaved rounds after ${result.config.warmup} warm-up, cache-hit fetch + whole body, one origin per variant`,
    '',
    environmentLine(result, environment, `${fixed(resolutionUs, 1)} µs (page and frames crossOriginIsolated)`, `gap between fetches ${result.config.gapMs} ms`),
    '',
    mainTable,
    '',
    ratioTable,
    '',
    `Every worker variant was warm (the first fetch a miss, then a fetch the server did not see: fetches needed ${warmFetches.join(', ')}), ` +
      'and its servers saw none of the warm-up and measured fetches; the reference reached its server every time.',
  ].join('\n');

  const json = resultJson({ name, description }, {
    ...(BASELINE === undefined ? {} : { baseline: BASELINE }),
    environment: { ...environment, userAgent: result.userAgent, timerResolutionUs: resolutionUs, crossOriginIsolated: result.crossOriginIsolated, frames: result.frames },
    config: { ...result.config, sizes: SIZES, order: 'interleaved: every round fetches each variant × size once, shuffled (seeded)', origins: 'one server (port) per variant' },
    unit: 'µs',
    variants: Object.fromEntries(
      VARIANTS.map(({ id, label: text, worker, headers }) => [
        id,
        { label: text, worker: worker ? `bench/workers/${worker}.ts` : null, ...(headers ? { bodyHeaders: headers } : {}), ...Object.fromEntries(SIZES.map((s) => [s.id, { ...roundAll(stats[id][s.id], 1), vsNoWorkerMedian: rel(id, 'none', s.id) }])) },
      ]),
    ),
    ratios,
    warm: result.warm,
    serverHitsAfter: result.hitsAfter,
    samplesUs: Object.fromEntries(VARIANTS.map(({ id }) => [id, Object.fromEntries(SIZES.map((s) => [s.id, us(result.samplesMs[id][s.id]).map(round2)]))])),
  });
  return { markdown, json };
}

/** `bytes` of JSON text (an array of records, padded), the same for every variant. */
function makeBody(bytes) {
  const items = [];
  for (let i = 0; JSON.stringify(items).length < bytes - 120; i += 1) items.push({ id: i, title: `Item number ${i}`, price: 9.99 + i, inStock: i % 2 === 0 });
  const text = JSON.stringify({ items, note: '' });
  const padded = `${text.slice(0, -2)}${'x'.repeat(bytes - text.length)}"}`;
  const body = Buffer.from(padded);
  if (body.length !== bytes) throw new Error(`made a ${body.length}-byte body, wanted ${bytes}`);
  return body;
}

await runIfMain(import.meta.url, { name, description, defaultDriver, run });
