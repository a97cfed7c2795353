// Benchmark: N concurrent page fetches of one URL that no cache holds yet (a cold miss on a
// slow origin), through no worker, Workbox `CacheFirst`, and Cachette's route table over
// both shared backends: how many requests reach the server, and how long until every
// fetch has its whole body. Cachette shares a miss (Varnish's waiting list); a worker that
// does not sends one request per fetch. The origin answers after `delayMs` without caching
// headers, so Chromium's HTTP cache beneath cannot coalesce the requests either.
//
// Each variant has its own origin (own worker, own storage) and its own tab; rounds are
// interleaved across variants, each round on a fresh URL. With CACHETTE_BASELINE=<checkout>
// (see fetch-hit.mjs), Cachette's idb worker built from that version runs beside them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROME_ARGS, findChrome } from '../scripts/chrome-path.mjs';
import { TIMING_ARGS } from './lib/browser.mjs';
import { buildWorker } from './lib/build-worker.mjs';
import { startOrigin } from './lib/origin-server.mjs';
import { round2, summarize } from './lib/stats.mjs';
import { fixed, markdownTable } from './lib/table.mjs';

export const name = 'shared-miss';
export const description = 'N concurrent fetches of one cold URL on a slow origin: server hits and time until all complete (Cachette shares the miss)';

const BASELINE = process.env.CACHETTE_BASELINE || undefined;

const VARIANTS = [
  { id: 'none', label: 'no worker' },
  { id: 'workbox-cf', label: 'Workbox `CacheFirst`', worker: 'workbox-cache-first' },
  { id: 'cachette-cs', label: 'Cachette `cacheRoutes`, `cache-storage`', worker: 'cachette-cache-storage' },
  { id: 'cachette-idb', label: 'Cachette `cacheRoutes`, `idb`', worker: 'cachette-idb' },
  ...(BASELINE === undefined ? [] : [{ id: 'cachette-idb-baseline', label: 'Cachette `idb`, built from CACHETTE_BASELINE', worker: 'cachette-idb', checkout: BASELINE }]),
];

const BLANK = '<!doctype html><meta charset="utf-8"><title>shared-miss</title>';

/**
 * Runs the benchmark once. Page parameters: `concurrency` (default 10), `rounds` (20),
 * `delayMs` (50, the origin's latency), `bytes` (100 KB bodies).
 * @param {{ params?: Record<string, number>, log?: (line: string) => void }} options
 * @returns {Promise<{ markdown: string, json: object }>}
 */
export async function run({ params = {}, log = console.error } = {}) {
  const concurrency = params.concurrency ?? 10;
  const rounds = params.rounds ?? 20;
  const delayMs = params.delayMs ?? 50;
  const bytes = params.bytes ?? 100 * 1024;
  const loadBefore = loadavg();
  const root = await mkdtemp(join(tmpdir(), 'cachette-shared-miss-'));
  const origins = [];
  let context;
  try {
    await writeFile(join(root, 'index.html'), BLANK);
    const workers = await Promise.all(VARIANTS.map((v) => (v.worker ? buildWorker(v.worker, v.checkout) : undefined)));
    const paths = Array.from({ length: rounds }, (_, i) => `/data/cold-${i}`);
    const body = Buffer.from(JSON.stringify({ pad: 'x'.repeat(Math.max(0, bytes - 12)) }));
    const bodies = Object.fromEntries(paths.map((p) => [p, body]));
    for (const [i] of VARIANTS.entries()) origins.push(await startOrigin({ root, worker: workers[i], bodies, delayMs }));

    const executablePath = findChrome();
    if (!executablePath) throw new Error('no Chromium found: run `node scripts/ensure-chromium.mjs` or set CHROME_PATH');
    context = await chromium.launchPersistentContext(join(root, 'profile'), { executablePath, headless: true, args: [...CHROME_ARGS, ...TIMING_ARGS] });
    const pages = [];
    for (const [i, variant] of VARIANTS.entries()) {
      const page = await context.newPage();
      await page.goto(`${origins[i].origin}/index.html`);
      if (variant.worker) {
        await page.evaluate(async () => {
          await navigator.serviceWorker.register('/sw.js');
          await navigator.serviceWorker.ready;
          if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
        });
      }
      pages.push(page);
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
    const version = context.browser()?.version() ?? 'unknown';
    return report({ samples, concurrency, rounds, delayMs, bytes: body.length, version, load: { before: loadBefore.map(round2), after: loadavg().map(round2) } });
  } finally {
    await context?.close();
    await Promise.all(origins.map((o) => o.close()));
    await rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

function report({ samples, concurrency, rounds, delayMs, bytes, version, load }) {
  const stats = Object.fromEntries(
    VARIANTS.map(({ id }) => [id, { hits: summarize(samples[id].hits), allMs: summarize(samples[id].allMs), firstMs: summarize(samples[id].firstMs) }]),
  );
  const table = markdownTable(
    ['variant', `server hits per ${concurrency} concurrent misses (median, max)`, 'all complete, median ms', 'p95 ms', 'first complete, median ms', `vs no worker (all complete)`],
    VARIANTS.map(({ id, label }) => [
      label,
      `${stats[id].hits.median} (max ${stats[id].hits.max})`,
      fixed(stats[id].allMs.median, 1),
      fixed(stats[id].allMs.p95, 1),
      fixed(stats[id].firstMs.median, 1),
      id === 'none' ? '(reference)' : `${fixed(stats[id].allMs.median / stats.none.allMs.median, 2)}×`,
    ]),
  );
  const markdown = [
    `### shared-miss: ${concurrency} concurrent fetches of one cold URL, origin delay ${delayMs} ms, ${Math.round(bytes / 1024)} KB bodies, ${rounds} interleaved rounds`,
    '',
    `driver: playwright; Chromium ${version}; load average (1 min) ${load.before[0]} before, ${load.after[0]} after`,
    '',
    table,
  ].join('\n');
  const json = {
    benchmark: name,
    description,
    date: new Date().toISOString(),
    ...(BASELINE === undefined ? {} : { baseline: BASELINE }),
    environment: { driver: 'playwright', version, loadAverage1m5m15m: load },
    config: { concurrency, rounds, delayMs, bytes, order: 'interleaved: every round fetches a fresh URL once per variant' },
    variants: Object.fromEntries(VARIANTS.map(({ id, label, worker }) => [id, { label, worker: worker ? `bench/workers/${worker}.ts` : null, ...stats[id] }])),
    samples,
  };
  return { markdown, json };
}
