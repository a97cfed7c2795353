// Benchmark: fragment restore vs re-render. A 200-row article list (a link, an author and
// three tags per row) rendered with createElement, against `cacheFragment('list', 500,
// render)` restoring it from the `memory`, `idb` and `cache-storage` backends, a miss
// (render + store in idb), and parsing the stored HTML alone (the floor of a restore: with
// Cachette's parseFragment, and with an inert document's `<div>` for comparison). Each
// sample: get the fragment, append it to a container, force one layout. The page
// (bench/page/fragments.ts) times; this file builds, serves, opens and summarizes.
//
//   node bench/fragments.mjs [--driver=bare|playwright] [--rounds=300 --warmup=30 --seed=1]
import { environmentLine, resultJson, runIfMain, runPage, variantTable } from './lib/harness.mjs';
import { ratio, round2, roundAll, summarize, us } from './lib/stats.mjs';
import { fixed, ratioTable, times } from './lib/table.mjs';

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

/** Runs the benchmark once. */
export async function run({ driver = defaultDriver, params = {}, log = console.error } = {}) {
  const { result, environment } = await runPage({ page: name, driver, params, log, timeoutMs: REPORT_TIMEOUT_MS });
  return summarizeReport(result, environment);
}

function summarizeReport(result, environment) {
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

  const vsPlain = (f) => (v) => (v.id === 'plain' ? '(reference)' : times(f(v.id, 'plain')));
  const mainTable = variantTable(VARIANTS, [
    ['variant', (v) => v.label],
    ['median µs', (v) => fixed(stats[v.id].median, 0)],
    ['p95 µs', (v) => fixed(stats[v.id].p95, 0)],
    ['mean µs', (v) => fixed(stats[v.id].mean, 0)],
    ['vs plain render (median)', vsPlain(rel)],
    ['vs plain render (p95)', vsPlain((a, b) => rel(a, b, 'p95'))],
    ['get the fragment, median µs', (v) => fixed(getStats[v.id].median, 0)],
    ['get vs plain render (median)', vsPlain(relGet)],
    ['append + layout, median µs', (v) => fixed(insertStats[v.id].median, 0)],
  ]);
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
  const resolutionUs = result.timerResolutionMs * 1000;
  const markdown = [
    `### fragments: ${result.config.rounds} interleaved rounds after ${result.config.warmup} warm-up; ${result.config.rows}-row list (${result.elements} elements, ${result.htmlBytes} bytes of HTML)`,
    '',
    environmentLine(result, environment, `${fixed(resolutionUs, 1)} µs (crossOriginIsolated)`),
    '',
    'Each sample: get the fragment, append it to a container in the page, read `container.offsetHeight` (one forced style + layout); checking the inserted HTML, removing it and the layout after removal are untimed.',
    '',
    mainTable,
    '',
    ratioTable(ratios),
  ].join('\n');

  const json = resultJson({ name, description }, {
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
    samplesUs: Object.fromEntries(VARIANTS.map(({ id }) => [id, { total: us(result.samplesMs[id].total).map(round2), get: us(result.samplesMs[id].get).map(round2) }])),
  });
  return { markdown, json };
}

await runIfMain(import.meta.url, { name, description, defaultDriver, run });
