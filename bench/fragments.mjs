// Benchmark: fragment restore vs re-render. A 200-row article list (a link, an author and
// three tags per row) rendered with createElement, against `cacheFragment('list', 500,
// render)` restoring it from the `memory`, `idb` and `cache-storage` backends, a miss
// (render + store in idb), and parsing the stored HTML alone (the floor of a restore: with
// Cachette's parseFragment, and with an inert document's `<div>` for comparison). Each
// sample: get the fragment, append it to a container, force one layout. The page
// (bench/page/fragments.ts) times; this file builds, serves, opens and summarizes.
//
//   node bench/fragments.mjs [--driver=bare|playwright] [--rounds=300 --warmup=30 --seed=1]
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildPage } from './lib/build-page.mjs';
import { openPage } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';
import { ratio, round2, roundAll, summarize } from './lib/stats.mjs';
import { fixed, markdownTable, times } from './lib/table.mjs';
import { pageReport } from './lib/page-report.mjs';

export const name = 'fragments';
export const description = 'cacheFragment restore (memory, idb, cache-storage) and miss vs a plain DOM render, 200-row list, to the end of insertion + layout';
/** No fetch is timed, but nothing here needs Playwright either. */
export const defaultDriver = 'bare';

/** Variants in report order. */
const VARIANTS = [
  { id: 'plain', label: 'plain render (createElement + append), no cache' },
  { id: 'parse', label: 'parse the stored HTML only (parseFragment, what a restore does after its read), no cache' },
  { id: 'parse-inert-div', label: "parse the same HTML with a `<div>`'s innerHTML in an inert document (`createHTMLDocument`), not what Cachette does" },
  { id: 'memory', label: '`cacheFragment` hit, `memory`' },
  { id: 'idb', label: '`cacheFragment` hit, `idb`' },
  { id: 'cache-storage', label: '`cacheFragment` hit, `cache-storage`' },
  { id: 'miss-idb', label: '`cacheFragment` miss, `idb` (read, render, serialize, store)' },
];

const REPORT_TIMEOUT_MS = 170_000;

/**
 * Runs the benchmark once.
 * @param {{ driver?: string, params?: Record<string, number>, log?: (line: string) => void }} options
 * @returns {Promise<{ markdown: string, json: object }>}
 */
export async function run({ driver = defaultDriver, params = {}, log = console.error } = {}) {
  const loadBefore = loadavg();
  const built = await buildPage(name);
  const server = await startServer(built.dir);
  let browser;
  try {
    const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
    const url = `${server.origin}${built.path}${query.size ? `?${query}` : ''}`;
    const reported = server.nextReport(REPORT_TIMEOUT_MS);
    browser = await openPage(url, { driver, log });
    const report = await pageReport(reported, browser);
    if (report.result.crossOriginIsolated !== true) throw new Error('the page was not cross-origin isolated; timings would be coarsened to 100 µs');
    const load = { before: loadBefore.map(round2), after: loadavg().map(round2) };
    return summarizeReport(report.result, { driver, version: browser.version, chrome: browser.chrome, loadAverage1m5m15m: load });
  } finally {
    await browser?.close();
    await server.close();
  }
}

function summarizeReport(result, environment) {
  const us = (ms) => ms.map((x) => x * 1000);
  const stats = {};
  const getStats = {};
  const insertStats = {};
  for (const { id } of VARIANTS) {
    const { total, get } = result.samplesMs[id];
    stats[id] = summarize(us(total));
    getStats[id] = summarize(us(get));
    insertStats[id] = summarize(us(total.map((t, i) => t - get[i])));
  }
  const rel = (a, b, key = 'median') => ratio(stats[a][key], stats[b][key]);
  const relGet = (a, b) => ratio(getStats[a].median, getStats[b].median);

  const mainTable = markdownTable(
    ['variant', 'median µs', 'p95 µs', 'mean µs', 'vs plain render (median)', 'vs plain render (p95)', 'get the fragment, median µs', 'get vs plain render (median)', 'append + layout, median µs'],
    VARIANTS.map(({ id, label }) => [
      label,
      fixed(stats[id].median, 0),
      fixed(stats[id].p95, 0),
      fixed(stats[id].mean, 0),
      id === 'plain' ? '(reference)' : times(rel(id, 'plain')),
      id === 'plain' ? '(reference)' : times(rel(id, 'plain', 'p95')),
      fixed(getStats[id].median, 0),
      id === 'plain' ? '(reference)' : times(relGet(id, 'plain')),
      fixed(insertStats[id].median, 0),
    ]),
  );
  const ratios = {
    'memory hit / plain render (median)': rel('memory', 'plain'),
    'idb hit / plain render (median)': rel('idb', 'plain'),
    'cache-storage hit / plain render (median)': rel('cache-storage', 'plain'),
    'miss (idb) / plain render (median)': rel('miss-idb', 'plain'),
    'parse only / plain render (median)': rel('parse', 'plain'),
    'memory hit / parse only (median)': rel('memory', 'parse'),
    'idb hit / parse only (median)': rel('idb', 'parse'),
    'cache-storage hit / parse only (median)': rel('cache-storage', 'parse'),
    'miss (idb) / plain render (p95)': rel('miss-idb', 'plain', 'p95'),
    'get only: memory hit / plain render (median)': relGet('memory', 'plain'),
    'get only: idb hit / plain render (median)': relGet('idb', 'plain'),
    'get only: cache-storage hit / plain render (median)': relGet('cache-storage', 'plain'),
    'get only: miss (idb) / plain render (median)': relGet('miss-idb', 'plain'),
    'get only: Cachette parseFragment / inert-document div parse (median)': relGet('parse', 'parse-inert-div'),
  };
  const ratioTable = markdownTable(['ratio', 'value'], Object.entries(ratios).map(([k, v]) => [k, times(v)]));
  const resolutionUs = result.timerResolutionMs * 1000;
  const markdown = [
    `### fragments: ${result.config.rounds} interleaved rounds after ${result.config.warmup} warm-up; ${result.config.rows}-row list (${result.elements} elements, ${result.htmlBytes} bytes of HTML)`,
    '',
    `driver: ${environment.driver}; ${result.userAgent}; timer resolution ${fixed(resolutionUs, 1)} µs (crossOriginIsolated); interleaved part took ${fixed(result.interleavedMs / 1000, 1)} s; ` +
      `load average (1 min) ${environment.loadAverage1m5m15m.before[0]} before, ${environment.loadAverage1m5m15m.after[0]} after`,
    '',
    'Each sample: get the fragment, append it to a container in the page, read `container.offsetHeight` (one forced style + layout); checking the inserted HTML, removing it and the layout after removal are untimed.',
    '',
    mainTable,
    '',
    ratioTable,
  ].join('\n');

  const round = (x) => Math.round(x * 100) / 100;
  const json = {
    benchmark: name,
    description,
    date: new Date().toISOString(),
    environment: { ...environment, userAgent: result.userAgent, timerResolutionUs: resolutionUs, crossOriginIsolated: result.crossOriginIsolated },
    config: {
      ...result.config,
      htmlBytes: result.htmlBytes,
      elements: result.elements,
      caches: "defineCaches({ default: { backend: 'idb', location: 'bench-fragments' }, mem: { backend: 'memory' }, cs: { backend: 'cache-storage', location: 'bench-fragments' } })",
      order: 'interleaved, shuffled within each round (seeded); the miss variant deletes its key (untimed) before each sample',
      timed: 'get the fragment + container.append + container.offsetHeight',
    },
    unit: 'µs',
    variants: Object.fromEntries(
      VARIANTS.map(({ id, label }) => [
        id,
        {
          label,
          ...roundAll(stats[id], 1),
          vsPlainMedian: id === 'plain' ? 1 : rel(id, 'plain'),
          getFragment: { ...roundAll(getStats[id], 1), vsPlainMedian: id === 'plain' ? 1 : relGet(id, 'plain') },
          appendAndLayout: roundAll(insertStats[id], 1),
        },
      ]),
    ),
    ratios,
    samplesUs: Object.fromEntries(VARIANTS.map(({ id }) => [id, { total: us(result.samplesMs[id].total).map(round), get: us(result.samplesMs[id].get).map(round) }])),
  };
  return { markdown, json };
}



// Standalone: `node bench/fragments.mjs [--driver=bare|playwright] [--<page param>=<number>...]`.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { standalone } = await import('./lib/standalone.mjs');
  await standalone({ name, description, defaultDriver, run });
}
