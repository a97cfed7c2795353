// Benchmark: how each cache operation's cost grows with the number of stored entries
// (N = 1k, 10k, 100k, ~200-byte JSON values), for each Cachette backend through its public
// API, beside the raw platform call beneath it, in real Chromium with an on-disk profile.
// The page (bench/page/scale.ts) fills, times and reports; this file builds, serves, opens
// it and makes the table. Cells that fail or crawl with a given core are reported as such:
// each cell has a time budget and each operation a timeout (see the page).
//
// On the same filled stores, two more rows per size: `fetch-hit` (a worker hit, fetch + whole
// body, through Cachette's `cacheRoutes` in bench/workers/scale-worker.ts over the page's idb
// and cache-storage stores of size N; the worker, served here at /scale-hit/sw.js with an empty
// frame page it controls, stores the misses of /scale-hit/<backend>/<N>/<id>, which this server
// answers with ~200 bytes of JSON and `Cache-Control: max-age=600`), and the devtools panel
// (`panel-open`: from `mountDevtools({ open: true })` to its first entry rows of every alias;
// `panel-longtask`: the longest long task meanwhile).
//
//   node bench/scale.mjs [--driver=bare|playwright] [--maxN=100000] [--ops=200]
//                        [--warmup=5 --invReps=3 --panelReps=3 --cellBudgetS=60 --fillBudgetS=240 --opTimeoutS=120 --seed=1]
import { buildWorker } from './lib/build-worker.mjs';
import { environmentLine, resultJson, runIfMain, runPage } from './lib/harness.mjs';
import { isolation, sendBody } from './lib/server.mjs';
import { ratio, roundAll, summarize } from './lib/stats.mjs';
import { fixed, markdownTable, times } from './lib/table.mjs';

export const name = 'scale';
export const description = 'cost of fill, set, get, a worker fetch hit, invalidate (prefix, tag), cull and opening the devtools panel at 1k / 10k / 100k entries, per backend, vs raw IndexedDB / Cache Storage';
/** Storage latencies: no Playwright instrumentation in the page. */
export const defaultDriver = 'bare';

const BACKENDS = [
  { id: 'idb', label: '`idb`' },
  { id: 'cache-storage', label: '`cache-storage`' },
  { id: 'memory', label: '`memory`' },
];
/** The panel's rows: one measurement over every page alias at once. */
const ALL = { id: 'all', label: 'every alias (`idb`, `cache-storage`, `memory`)' };
/** bench/page/scale.ts's SIZES and HIT_URLS: the worker's URLs this server answers, /scale-hit/<backend>/<N>/<id>. */
const SIZES = [1_000, 10_000, 100_000];
const HIT_URLS = 20;
/** The worker's backends (memory is the page's own store). */
const WORKER_BACKENDS = ['idb', 'cache-storage'];
/** Table rows in order: the operation, its raw rows, which raw row is each backend's floor, and its backends (default BACKENDS). */
const OPERATIONS = [
  {
    op: 'fill',
    label: 'fill to N (setMany, ≤1,000 keys per call, one tag per call); total',
    raws: [
      { id: 'raw-idb', label: 'raw IndexedDB: N puts in one transaction' },
      { id: 'raw-cache', label: 'raw Cache Storage: N `cache.put`, 100 in flight' },
    ],
    floors: { idb: 'raw-idb', 'cache-storage': 'raw-cache' },
  },
  {
    op: 'set',
    label: '`set` of a new key',
    raws: [
      { id: 'raw-idb', label: 'raw IndexedDB `put`, own transaction' },
      { id: 'raw-cache', label: 'raw `cache.put`' },
    ],
    floors: { idb: 'raw-idb', 'cache-storage': 'raw-cache' },
  },
  {
    op: 'get',
    label: '`get` of a random hit',
    raws: [
      { id: 'raw-idb', label: 'raw IndexedDB `get`, own readonly transaction' },
      { id: 'raw-cache', label: 'raw `match` + `.json()`' },
    ],
    floors: { idb: 'raw-idb', 'cache-storage': 'raw-cache' },
  },
  {
    op: 'fetch-hit',
    label: 'worker hit: page `fetch` + `text()` through `cacheRoutes`, a random one of 20 stored misses',
    raws: [],
    floors: {},
    backends: BACKENDS.filter((b) => WORKER_BACKENDS.includes(b.id)),
  },
  {
    op: 'invalidate-prefix',
    label: '`invalidate({ cache, prefix })` removing 1%',
    raws: [{ id: 'raw-idb', label: 'raw IndexedDB key-range `delete` of 1%, one transaction' }],
    floors: { idb: 'raw-idb' },
  },
  { op: 'invalidate-tag', label: '`invalidate({ cache, tags })` removing 1%', raws: [], floors: {}, floorOp: 'invalidate-prefix', floorFor: { idb: 'raw-idb' } },
  { op: 'cull', label: 'the one `set` that culls (cullFrequency 3: ⌊count/3⌋ removed)', raws: [], floors: {} },
  { op: 'panel-open', label: 'devtools panel: `mountDevtools({ open: true })` to its first entry rows', raws: [], floors: {}, backends: [ALL] },
  { op: 'panel-longtask', label: 'devtools panel: longest long task meanwhile (0 = none over 50 ms)', raws: [], floors: {}, backends: [ALL] },
];

/** Generous: the page bounds every cell itself; this only catches a page that died. */
const REPORT_TIMEOUT_MS = 55 * 60_000;

/** Runs the benchmark once (page parameters: maxN, ops, warmup, invReps, panelReps, cellBudgetS, fillBudgetS, opTimeoutS, seed). */
export async function run({ driver = defaultDriver, params = {}, log = console.error } = {}) {
  const worker = await buildWorker('scale-worker');
  const { result, environment } = await runPage({
    page: name,
    driver,
    params,
    log,
    timeoutMs: REPORT_TIMEOUT_MS,
    routes: { '/__progress': progressRoute(log), ...workerRoutes(worker) },
  });
  return summarizeReport(result, environment);
}

/**
 * The worker's script, the empty page of the frame it controls (both uncached), and the URLs
 * it serves from the big stores: ~200 bytes of JSON, fresh for 600 s (exact paths: the
 * server has no patterns).
 */
function workerRoutes(worker) {
  const routes = {
    '/scale-hit/sw.js': sendBody(worker, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' }),
    '/scale-hit/frame.html': sendBody('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>scale: the worker\'s frame</title></head><body></body></html>', {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
    }),
  };
  for (const backend of WORKER_BACKENDS) {
    for (const n of SIZES) {
      for (let id = 0; id < HIT_URLS; id += 1) {
        const path = `/scale-hit/${backend}/${n}/${id}`;
        routes[path] = sendBody(hitBody(path, id), { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=600' });
      }
    }
  }
  return routes;
}

/** A 200-byte JSON body for one of the worker's URLs. */
function hitBody(path, id) {
  const value = { id, path, published: id % 2 === 0, updatedAt: '2025-11-26T12:00:00.000Z', note: '' };
  value.note = 'x'.repeat(Math.max(0, 200 - JSON.stringify(value).length));
  return JSON.stringify(value);
}

/** The page's progress lines, logged as they come (a full run takes many minutes). */
const progressRoute = (log) => async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  log(`page: ${body.slice(0, 500)}`);
  res.writeHead(204, isolation()).end();
};

function summarizeReport(result, environment) {
  const { sizes, ops } = result.config;
  const smallest = sizes[0];
  const largest = sizes[sizes.length - 1];
  const cellOf = (row, n) => result.cells[row]?.[String(n)];
  const statsOf = (row, n) => {
    const cell = cellOf(row, n);
    return cell?.samplesMs?.length && !cell.fails ? summarize(cell.samplesMs) : null;
  };
  const median = (row, n) => statsOf(row, n)?.median ?? null;

  /** A row: its cells by size, growth and floor ratio. `perRemoved` turns ms per op into µs per removed entry. */
  const tableRow = (opLabel, who, row, floorRow, { perRemoved = false } = {}) => {
    const scale = (n) => (perRemoved ? 1000 / (cellOf(row, n)?.removed || Number.NaN) : 1);
    const value = (n) => {
      const m = median(row, n);
      return m === null ? null : m * scale(n);
    };
    const cells = sizes.map((n) => {
      const cell = cellOf(row, n);
      if (!cell) return '–';
      if (cell.skipped) return cell.skipped.startsWith('skipped') ? cell.skipped : `skipped (${cell.skipped})`;
      if (cell.fails) return `fails: ${cell.fails.replaceAll('|', '\\|').slice(0, 140)}`;
      const s = statsOf(row, n);
      if (!s) return '–';
      const k = scale(n);
      const perEntry = s.median * k;
      const main = perRemoved ? `${fixed(perEntry, perEntry >= 100 ? 0 : 2)} µs` : s.n > 1 ? `${ms(s.median)} (p95 ${ms(s.p95)})` : ms(s.median);
      const expected = row.startsWith('invalidate') ? result.config.invReps : row.startsWith('panel') ? result.config.panelReps : ops;
      const n_ = s.n > 1 && (cell.truncated || s.n < expected) ? ` n=${s.n}` : '';
      return `${main}${n_}${cell.truncated ? ' ⏱' : ''}`;
    });
    const floorValue = floorRow ? (perRemoved ? (() => { const m = median(floorRow, largest); return m === null ? null : (m * 1000) / (cellOf(floorRow, largest)?.removed || Number.NaN); })() : median(floorRow, largest)) : null;
    return [opLabel, who, ...cells, times(ratio(value(largest), value(smallest))), floorRow ? times(ratio(value(largest), floorValue)) : '–'];
  };

  const rows = [];
  for (const o of OPERATIONS) {
    for (const b of o.backends ?? BACKENDS) {
      const floorId = o.floors[b.id] ?? o.floorFor?.[b.id];
      rows.push(tableRow(o.label, b.label, `${o.op}:${b.id}`, floorId ? `${o.floorOp ?? o.op}:${floorId}` : undefined));
    }
    for (const r of o.raws) rows.push(tableRow(o.label, r.label, `${o.op}:${r.id}`));
  }
  for (const o of OPERATIONS.filter((x) => x.op.startsWith('invalidate') || x.op === 'cull')) {
    const label = `${o.op === 'cull' ? 'cull' : o.label.replace(' removing 1%', '')}: µs per removed entry`;
    for (const b of BACKENDS) {
      const floorId = o.floors[b.id] ?? o.floorFor?.[b.id];
      rows.push(tableRow(label, b.label, `${o.op}:${b.id}`, floorId ? `${o.floorOp ?? o.op}:${floorId}` : undefined, { perRemoved: true }));
    }
    for (const r of o.raws) rows.push(tableRow(label, r.label, `${o.op}:${r.id}`, undefined, { perRemoved: true }));
  }
  const sizeLabel = (n) => (n >= 1000 ? `${n / 1000}k` : String(n));
  /** Per size, how many long tasks the panel's samples saw. */
  const longTasksLine = () => `long tasks seen in all ${result.config.panelReps} samples: ${sizes.map((n) => `${cellOf('panel-longtask:all', n)?.longTasks ?? '–'} at ${sizeLabel(n)}`).join(', ')}`;
  /** Per size, whether each worker backend's misses were stored into the big store (and the most fetches one took). */
  const storedLine = () =>
    sizes
      .map((n) => `${sizeLabel(n)}: ${WORKER_BACKENDS.map((b) => {
        const cell = cellOf(`fetch-hit:${b}`, n);
        return `${b} ${cell?.stored === undefined ? '–' : cell.stored ? `yes (≤ ${cell.storeFetches} fetches)` : 'NO'}`;
      }).join(', ')}`)
      .join('; ');
  const table = markdownTable(
    ['operation', 'backend / raw call', ...sizes.map((n) => `N = ${sizeLabel(n)}`), `${sizeLabel(largest)} / ${sizeLabel(smallest)}`, `vs raw at ${sizeLabel(largest)}`],
    rows,
  );
  const resolutionUs = result.timerResolutionMs * 1000;
  const markdown = [
    `### scale: cost vs entries stored (N = ${sizes.map(sizeLabel).join(', ')}), ${result.valueJsonBytes}-byte JSON values, up to ${ops} timed ops per cell after ${result.config.warmup} warm-up rounds`,
    '',
    environmentLine(result, environment, `${fixed(resolutionUs, 1)} µs (crossOriginIsolated)`),
    '',
    table,
    '',
    `Cells: median (p95) in ms over ${ops} operations (set, get, worker hit), ${result.config.invReps} (invalidation) or ${result.config.panelReps} (panel) unless marked \`n=\`; fill and cull: one sample; ⏱ = stopped by the cell's ${result.config.cellBudgetS} s budget (n is what it measured). ` +
      `set/get: every backend and raw row interleaved in shuffled rounds, on stores filled side by side. ` +
      `Worker hit: after the set/get rounds, the worker (bench/workers/scale-worker.ts, aliases over the same stores) fetched and stored 20 misses per backend into the big store, then served random ones of them, both backends interleaved; every timed fetch was checked to be a hit (\`Age\`). ` +
      `Misses stored: ${storedLine()}. ` +
      `Panel: the page-side \`mountDevtools\` lists every page alias at once (the page is controlled by no worker); after one uncounted mount per size, time to the end of the frame that paints an entry row of each filled alias in its shadow root (the task after the animation frame that finds them), and the longest \`longtask\` overlapping that window (${longTasksLine()}). ` +
      `Invalidation: ${result.config.invReps} rounds (prefix \`g<k>:\` and tag \`t<k>\` on distinct 1% groups), interleaved with the raw key-range delete; ` +
      `cull: one sample, a second alias over the same store with \`maxEntries\` = the entries it holds then. ` +
      `"vs raw" compares medians at ${sizeLabel(largest)} with the raw row beneath (for tags too, the raw key-range delete); \`memory\` has no raw row. ` +
      `A backend whose fill failed is skipped at larger sizes, as is an operation that failed.`,
  ].join('\n');

  const json = resultJson({ name, description }, {
    environment: { ...environment, userAgent: result.userAgent, timerResolutionUs: resolutionUs, crossOriginIsolated: result.crossOriginIsolated },
    config: { ...result.config, valueJsonBytes: result.valueJsonBytes, interleavedS: Math.round(result.interleavedMs / 100) / 10 },
    unit: 'ms',
    cells: Object.fromEntries(
      Object.entries(result.cells).map(([row, bySize]) => [
        row,
        Object.fromEntries(
          Object.entries(bySize).map(([n, cell]) => {
            const { samplesMs, ...facts } = cell;
            const stats = samplesMs?.length ? roundAll(summarize(samplesMs), 4) : undefined;
            return [n, { ...facts, ...(stats ? { stats } : {}), ...(samplesMs?.length ? { samplesMs: samplesMs.map((x) => Math.round(x * 1000) / 1000) } : {}) }];
          }),
        ),
      ]),
    ),
  });
  return { markdown, json };
}

/** Milliseconds with the precision their size deserves. */
function ms(x) {
  if (x >= 1000) return `${fixed(x / 1000, 2)} s`;
  return x >= 100 ? fixed(x, 0) : x >= 10 ? fixed(x, 1) : x >= 1 ? fixed(x, 2) : fixed(x, 3);
}

await runIfMain(import.meta.url, { name, description, defaultDriver, run });
