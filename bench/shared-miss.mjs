// Benchmark: N concurrent page fetches of one URL that no cache holds yet (a cold miss on a
// slow origin), through no worker, Workbox `CacheFirst`, and Cachette's route table over
// both shared backends: how many requests reach the server, and how long until every
// fetch has its whole body. Cachette shares a miss (Varnish's waiting list); a worker that
// does not sends one request per fetch. The origin answers after `delayMs` without caching
// headers, so Chromium's HTTP cache beneath cannot coalesce the requests either.
//
// Each variant has its own origin (own worker, own storage) and its own tab; rounds are
// interleaved across variants, each round on a fresh URL. With CACHETTE_BASELINE=<checkout>
// (see bench/lib/build-worker.mjs), Cachette's idb worker built from that version runs beside them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBrowser } from './lib/browser.mjs';
import { BASELINE } from './lib/build-worker.mjs';
import { loadMeter, resultJson, runIfMain, startOrigins, variantTable, withDefaults } from './lib/harness.mjs';
import { summarize } from './lib/stats.mjs';
import { fixed } from './lib/table.mjs';

export const name = 'shared-miss';
export const description = 'N concurrent fetches of one cold URL on a slow origin: server hits and time until all complete (Cachette shares the miss)';

const VARIANTS = [
  { id: 'none', label: 'no worker' },
  { id: 'workbox-cf', label: 'Workbox `CacheFirst`', worker: 'workbox-cache-first' },
  { id: 'cachette-cs', label: 'Cachette `cacheRoutes`, `cache-storage`', worker: 'cachette-cache-storage' },
  { id: 'cachette-idb', label: 'Cachette `cacheRoutes`, `idb`', worker: 'cachette-idb' },
  ...(BASELINE === undefined ? [] : [{ id: 'cachette-idb-baseline', label: 'Cachette `idb`, built from CACHETTE_BASELINE', worker: 'cachette-idb', checkout: BASELINE }]),
];

const BLANK = '<!doctype html><meta charset="utf-8"><title>shared-miss</title><link rel="icon" href="data:,">';

/**
 * Runs the benchmark once. Page parameters: `concurrency` (default 10), `rounds` (20),
 * `delayMs` (50, the origin's latency), `bytes` (100 KB bodies).
 * @param {{ params?: Record<string, number>, log?: (line: string) => void }} options
 * @returns {Promise<{ markdown: string, json: object }>}
 */
export async function run({ params = {}, log = console.error } = {}) {
  const { concurrency, rounds, delayMs, bytes } = withDefaults(params, { concurrency: 10, rounds: 20, delayMs: 50, bytes: 100 * 1024 });
  const load = loadMeter();
  const root = await mkdtemp(join(tmpdir(), 'cachette-shared-miss-'));
  let origins;
  let browser;
  try {
    await writeFile(join(root, 'index.html'), BLANK);
    const paths = Array.from({ length: rounds }, (_, i) => `/data/cold-${i}`);
    const body = Buffer.from(JSON.stringify({ pad: 'x'.repeat(Math.max(0, bytes - 12)) }));
    const bodies = Object.fromEntries(paths.map((p) => [p, body]));
    origins = await startOrigins(VARIANTS, { root, bodies, delayMs });

    // Timed with Playwright's `evaluate` in each tab: every variant under the same driver.
    browser = await openBrowser(origins.map((o) => `${o.origin}/index.html`), { driver: 'playwright', log });
    const { pages } = browser;
    for (const [i, variant] of VARIANTS.entries()) {
      if (!variant.worker) continue;
      await pages[i].evaluate(async () => {
        await navigator.serviceWorker.register('/sw.js');
        await navigator.serviceWorker.ready;
        if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
      });
    }
    log(`${VARIANTS.length} variants ready; ${rounds} rounds of ${concurrency} concurrent fetches, origin delay ${delayMs} ms`);

    const samples = Object.fromEntries(VARIANTS.map((v) => [v.id, { hits: [], allMs: [], firstMs: [] }]));
    for (const path of paths) {
      for (const [i, variant] of VARIANTS.entries()) {
        const result = await pages[i].evaluate(
          async ([url, n]) => {
            const start = performance.now();
            let first = Infinity;
            const sizes = await Promise.all(
              Array.from({ length: n }, () =>
                fetch(url)
                  .then((r) => r.arrayBuffer())
                  .then((b) => {
                    first = Math.min(first, performance.now() - start);
                    return b.byteLength;
                  }),
              ),
            );
            return { allMs: performance.now() - start, firstMs: first, sizes };
          },
          [path, concurrency],
        );
        if (result.sizes.some((size) => size !== body.length)) throw new Error(`${variant.id}: a fetch of ${path} got ${result.sizes.join(', ')} bytes, expected ${body.length}`);
        samples[variant.id].hits.push(origins[i].hits()[path]);
        samples[variant.id].allMs.push(result.allMs);
        samples[variant.id].firstMs.push(result.firstMs);
      }
    }
    return report({ samples, concurrency, rounds, delayMs, bytes: body.length, version: browser.version, load: load() });
  } finally {
    await browser?.close();
    await origins?.close();
    await rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

function report({ samples, concurrency, rounds, delayMs, bytes, version, load }) {
  const stats = Object.fromEntries(
    VARIANTS.map(({ id }) => [id, { hits: summarize(samples[id].hits), allMs: summarize(samples[id].allMs), firstMs: summarize(samples[id].firstMs) }]),
  );
  const table = variantTable(VARIANTS, [
    ['variant', (v) => v.label],
    [`server hits per ${concurrency} concurrent misses (median, max)`, ({ id }) => `${stats[id].hits.median} (max ${stats[id].hits.max})`],
    ['all complete, median ms', ({ id }) => fixed(stats[id].allMs.median, 1)],
    ['p95 ms', ({ id }) => fixed(stats[id].allMs.p95, 1)],
    ['first complete, median ms', ({ id }) => fixed(stats[id].firstMs.median, 1)],
    ['vs no worker (all complete)', ({ id }) => (id === 'none' ? '(reference)' : `${fixed(stats[id].allMs.median / stats.none.allMs.median, 2)}×`)],
  ]);
  const markdown = [
    `### shared-miss: ${concurrency} concurrent fetches of one cold URL, origin delay ${delayMs} ms, ${Math.round(bytes / 1024)} KB bodies, ${rounds} interleaved rounds`,
    '',
    `driver: playwright; Chromium ${version}; load average (1 min) ${load.before[0]} before, ${load.after[0]} after`,
    '',
    table,
  ].join('\n');
  const json = resultJson({ name, description }, {
    ...(BASELINE === undefined ? {} : { baseline: BASELINE }),
    environment: { driver: 'playwright', version, loadAverage1m5m15m: load },
    config: { concurrency, rounds, delayMs, bytes, order: 'interleaved: every round fetches a fresh URL once per variant' },
    variants: Object.fromEntries(VARIANTS.map(({ id, label, worker }) => [id, { label, worker: worker ? `bench/workers/${worker}.ts` : null, ...stats[id] }])),
    samples,
  });
  return { markdown, json };
}

await runIfMain(import.meta.url, { name, description, run });
