// Benchmark: invalidation fan-out. One Chromium, one origin, four tabs (A, B, C, D) of
// bench/page/invalidation.html controlled by one Cachette worker (bench/workers/
// invalidation-sw.ts, `cacheSite()`). Tab A times `await invalidate({ keys: ['k'] })` and,
// from its call, when each of B, C, D's and the worker's `onInvalidate` listener fires;
// against a raw BroadcastChannel post to the same receivers, a raw `postMessage` echo from
// the worker and a raw IndexedDB delete, interleaved in one run.
//
// Times across contexts are `performance.timeOrigin + performance.now()` in each; every
// context is cross-origin isolated (5 µs steps). Chromium converts each process's monotonic
// clock to epoch time with an offset taken once per process, so two contexts' clocks agree
// only as well as those offsets do: tab A estimates each receiver's offset by ping-pong
// before and after the run, and the report shows it (its bound is half the best round trip).
//
//   node bench/invalidation.mjs [--driver=bare|playwright] [--rounds=400 --warmup=50 --seed=1 --syncPings=100 --settleMs=10]
//                               [--separateWindows=1]  each tab in its own window (all visible); default: A in front, B–D background tabs
//                               [--probe=1]  the worker also times the broadcast's arrival (one more channel delivery: a diagnostic)
import { buildWorker } from './lib/build-worker.mjs';
import { environmentLine, resultJson, runIfMain, runPage, variantTable } from './lib/harness.mjs';
import { sendBody } from './lib/server.mjs';
import { percentile, ratio, summarize, round2, roundAll, us } from './lib/stats.mjs';
import { fixed, markdownTable, ratioTable, times } from './lib/table.mjs';

export const name = 'invalidation';
export const description = 'invalidate() duration and fan-out to 3 other tabs and the worker vs raw BroadcastChannel / postMessage';
/** Cross-context messaging is what Playwright's worker instrumentation could shift. */
export const defaultDriver = 'bare';

const ROLES = ['A', 'B', 'C', 'D'];
const RECEIVERS = [
  { id: 'B', label: 'tab B' },
  { id: 'C', label: 'tab C' },
  { id: 'D', label: 'tab D' },
  { id: 'W', label: 'worker' },
];
const TABS = ['B', 'C', 'D'];
const REPORT_TIMEOUT_MS = 170_000;

/** Runs the benchmark once. */
export async function run({ driver = defaultDriver, params = {}, log = console.error } = {}) {
  const worker = await buildWorker('invalidation-sw');
  // Default: A in front, B, C, D background tabs of its window (a user's other tabs).
  const separateWindows = params.separateWindows === 1;
  const { result, environment } = await runPage({
    page: name,
    driver,
    params,
    log,
    timeoutMs: REPORT_TIMEOUT_MS,
    tabs: ROLES.map((role) => ({ role })),
    // Served next to the page, so its scope ('/') covers it.
    routes: { '/sw.js': sendBody(worker, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' }) },
    separateWindows,
    pipe: true,
    notIsolated: 'tab A was not cross-origin isolated; timings would be coarsened to 100 µs',
    environment: async (browser) => ({ separateWindows, rendererProcesses: await browser.rendererProcesses() }),
  });
  return summarizeReport(result, environment);
}

function summarizeReport(result, environment) {
  const s = result.samples;
  const n = s.invalidateMs.length;
  const series = {
    invalidate: us(s.invalidateMs),
    localListener: us(s.localListenerMs),
    rawSwRoundTrip: us(s.rawSwRoundTripMs),
    rawSwOneWay: us(s.rawSwOneWayMs),
    rawIdbDelete: us(s.rawIdbDeleteMs),
    rawBcSwRoundTrip: us(s.rawBcSwRoundTripMs),
    rawEquivalent: us(s.rawEquivalentMs),
    workerPostedArrival: us(s.workerPostedArrivalMs),
    // Lower bound of the worker's own work (its IDB delete): the broadcast may have started it earlier.
    workerAfterPosted: us(s.cachette.W.map((t, i) => t - s.workerPostedArrivalMs[i])),
    workerBroadcastArrival: us(s.workerBroadcastArrivalMs),
    workerAfterFirstArrival: us(s.workerBroadcastArrivalMs.map((b, i) => s.cachette.W[i] - Math.min(b, s.workerPostedArrivalMs[i]))),
  };
  for (const { id } of RECEIVERS) {
    series[`cachette.${id}`] = us(s.cachette[id]);
    series[`rawBc.${id}`] = us(s.rawBc[id]);
    series[`rawBcSw.${id}`] = us(s.rawBcSw[id]);
    series[`rawEq.${id}`] = us(s.rawEquivalent[id]);
    // The leg after A's own delete: from A's local listener (just before it posts) to the receiver's.
    series[`leg.${id}`] = us(s.cachette[id].map((t, i) => t - s.localListenerMs[i]));
  }
  const maxOver = (prefix, ids) => Array.from({ length: series[`${prefix}.${ids[0]}`].length }, (_, i) => Math.max(...ids.map((id) => series[`${prefix}.${id}`][i])));
  for (const prefix of ['cachette', 'rawBc', 'rawBcSw', 'rawEq', 'leg']) {
    series[`${prefix}.maxTabs`] = maxOver(prefix, TABS);
    series[`${prefix}.maxAll`] = maxOver(prefix, RECEIVERS.map((r) => r.id));
  }
  const stats = Object.fromEntries(Object.entries(series).map(([k, v]) => [k, summarize(v)]));
  const rel = (a, b, key = 'median') => ratio(stats[a][key], stats[b][key]);

  const rows = [...RECEIVERS, { id: 'maxTabs', label: 'max over tabs B–D (per invalidation)' }, { id: 'maxAll', label: 'max over all four receivers' }];
  const cell = (prefix, key = 'median') => ({ id }) => fixed(stats[`${prefix}.${id}`][key], 0);
  const vs = (prefix, other, key = 'median') => ({ id }) => times(rel(`${prefix}.${id}`, `${other}.${id}`, key));
  const fanoutTable = variantTable(rows, [
    ['receiver', (r) => r.label],
    ['Cachette median µs', cell('cachette')],
    ['Cachette p95 µs', cell('cachette', 'p95')],
    ['raw BC median µs', cell('rawBc')],
    ['raw BC p95 µs', cell('rawBc', 'p95')],
    ['Cachette / raw BC (median)', vs('cachette', 'rawBc')],
    ['Cachette / raw BC (p95)', vs('cachette', 'rawBc', 'p95')],
    ['raw BC + postMessage median µs', cell('rawBcSw')],
    ['Cachette / raw BC + postMessage (median)', vs('cachette', 'rawBcSw')],
    ['hand-written equivalent median µs', cell('rawEq')],
    ['Cachette / hand-written (median)', vs('cachette', 'rawEq')],
  ]);
  const legTable = variantTable(rows, [
    ['receiver', (r) => r.label],
    ['median µs', cell('leg')],
    ['p95 µs', cell('leg', 'p95')],
    ['/ raw BC (median)', vs('leg', 'rawBc')],
    ['/ raw BC (p95)', vs('leg', 'rawBc', 'p95')],
  ]);
  const senderRows = [
    ['Cachette `await invalidate({ keys: [\'k\'] })` in A', 'invalidate'],
    ["A's own `onInvalidate` listener fires (A's idb + memory delete done; then it posts)", 'localListener'],
    ['hand-written equivalent: raw IDB delete, raw BC post, `postMessage` to the worker, which deletes from its own IDB and answers', 'rawEquivalent'],
    ['raw IndexedDB `delete` in A, own readwrite tx (relaxed), to commit', 'rawIdbDelete'],
    ['raw `postMessage` A → worker → A (MessageChannel port), round trip', 'rawSwRoundTrip'],
    ['raw `postMessage` A → worker, one way', 'rawSwOneWay'],
    ["raw BC post + `postMessage` echo from the worker (the messages `invalidate` sends, no storage), to the worker's answer", 'rawBcSwRoundTrip'],
    ["Cachette's `postMessage` reaches the worker (its `message` event, from A's call)", 'workerPostedArrival'],
    ["worker: its listener fires − Cachette's `postMessage` arrived (≥ 0 unless the broadcast got there first and its IDB delete was done already)", 'workerAfterPosted'],
  ];
  if (series.workerBroadcastArrival.length) {
    senderRows.push(
      ["Cachette's broadcast reaches the worker (a second `cachette` channel there, `probe=1`)", 'workerBroadcastArrival'],
      ['worker: its listener fires − the first of the two messages arrived (its own IDB delete)', 'workerAfterFirstArrival'],
    );
  }
  const senderTable = markdownTable(
    ['in tab A (from the call)', 'median µs', 'p95 µs', 'mean µs'],
    senderRows.map(([label, id]) => [label, fixed(stats[id].median, 0), fixed(stats[id].p95, 0), fixed(stats[id].mean, 0)]),
  );

  const ratios = {
    'fan-out max over tabs / raw BC max over tabs (median)': rel('cachette.maxTabs', 'rawBc.maxTabs'),
    'fan-out max over tabs / raw BC max over tabs (p95)': rel('cachette.maxTabs', 'rawBc.maxTabs', 'p95'),
    'fan-out max over all four / raw BC max over all four (median)': rel('cachette.maxAll', 'rawBc.maxAll'),
    'fan-out to the worker / raw BC to the worker (median)': rel('cachette.W', 'rawBc.W'),
    'fan-out to the worker / raw postMessage one way (median)': rel('cachette.W', 'rawSwOneWay'),
    'channel leg (after A\'s delete), max over tabs / raw BC max over tabs (median)': rel('leg.maxTabs', 'rawBc.maxTabs'),
    'fan-out max over tabs / raw BC + postMessage max over tabs (median)': rel('cachette.maxTabs', 'rawBcSw.maxTabs'),
    'invalidate() / hand-written equivalent (median)': rel('invalidate', 'rawEquivalent'),
    'invalidate() / hand-written equivalent (p95)': rel('invalidate', 'rawEquivalent', 'p95'),
    'fan-out max over all four / hand-written equivalent (median)': rel('cachette.maxAll', 'rawEq.maxAll'),
    'invalidate() / raw postMessage round trip (median)': rel('invalidate', 'rawSwRoundTrip'),
    'invalidate() / raw BC + postMessage round trip (median)': rel('invalidate', 'rawBcSwRoundTrip'),
    'invalidate() / (raw IDB delete + raw postMessage round trip) (medians)': ratio(stats.invalidate.median, stats.rawIdbDelete.median + stats.rawSwRoundTrip.median),
    "A's local step / raw IDB delete (median)": rel('localListener', 'rawIdbDelete'),
  };

  const clock = clockOffsets(result.sync);
  const clockTable = markdownTable(
    ['receiver', 'offset before µs (± bound)', 'offset after µs (± bound)', 'best ping-pong RTT µs'],
    RECEIVERS.map(({ id, label }) => [
      label,
      `${fixed(clock.before[id].offsetUs, 1)} (± ${fixed(clock.before[id].boundUs, 0)})`,
      `${fixed(clock.after[id].offsetUs, 1)} (± ${fixed(clock.after[id].boundUs, 0)})`,
      fixed(Math.min(clock.before[id].bestRttUs, clock.after[id].bestRttUs), 0),
    ]),
  );
  const resolutionUs = result.timerResolutionMs * 1000;
  const visibility = ROLES.map((t) => `${t} ${result.tabs[t]?.visibilityState}`).join(', ');
  const markdown = [
    `### invalidation: ${n} interleaved rounds after ${result.config.warmup} warm-up; 4 tabs + the worker, one origin`,
    '',
    environmentLine(result, environment, `${fixed(resolutionUs, 1)} µs (every tab and the worker crossOriginIsolated)`, `renderer processes ${environment.rendererProcesses ?? 'unknown'}`, `visibility ${visibility}`),
    '',
    'Fan-out: from A calling `invalidate` (or posting on a raw BroadcastChannel) to each receiver\'s listener. Cachette\'s path includes A\'s own IndexedDB + memory delete before it posts, each receiver\'s memory delete before its listener, and the worker\'s delete from its own IndexedDB store:',
    '',
    fanoutTable,
    '',
    "Channel leg only: from A's own `onInvalidate` listener (A's delete done; the post follows synchronously) to each receiver's listener:",
    '',
    legTable,
    '',
    senderTable,
    '',
    ratioTable(ratios),
    '',
    `Clock offsets (receiver − A), by BroadcastChannel ping-pong (${result.config.syncPings} pings each, median offset of the fastest 10 %); a fan-out time is off by at most about this much:`,
    '',
    clockTable,
    '',
    `Checks: A's listener fired once per invalidation (${result.invalidations}); the worker heard ${result.worker.invalidationsAfter}; every receiver reported every invalidation and broadcast${result.stray.length ? `; stray reports: ${result.stray.slice(0, 5).join('; ')}` : ', none stray'}.`,
  ].join('\n');

  const json = resultJson({ name, description }, {
    environment: {
      ...environment,
      userAgent: result.userAgent,
      timerResolutionUs: resolutionUs,
      crossOriginIsolated: result.crossOriginIsolated,
      tabs: result.tabs,
      worker: result.worker,
    },
    config: {
      ...result.config,
      order: 'interleaved: every round runs cachette, raw-equivalent, raw-bc, raw-bc+sw, raw-sw, raw-idb-delete once, shuffled (seeded); after each step A waits settleMs, then collects every receiver\'s time',
      layout: environment.separateWindows ? 'each tab in its own window' : 'one window: A in front, B, C, D background tabs',
      caches: "defineCaches({ default: { backend: 'idb', location: 'bench-inv' }, mem: { backend: 'memory' } }) in every tab; the worker's default (idb, database 'cachette')",
      clock: 'performance.timeOrigin + performance.now() in every context',
    },
    unit: 'µs',
    stats: Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, roundAll(v, 1)])),
    ratios,
    clockOffsetsUs: clock,
    stray: result.stray,
    samplesUs: Object.fromEntries(Object.entries(series).map(([k, v]) => [k, v.map(round2)])),
  });
  return { markdown, json };
}

/** Per receiver: the offset (receiver − A) estimated from the fastest 10 % of ping-pongs, with its bound (half the best RTT). */
function clockOffsets(sync) {
  const estimate = (samples) => {
    const withRtt = samples.map(({ t0, t, t1 }) => ({ rtt: (t1 - t0) * 1000, offset: (t - (t0 + t1) / 2) * 1000 }));
    const cut = percentile(withRtt.map((x) => x.rtt), 10);
    const fastest = withRtt.filter((x) => x.rtt <= cut);
    const bestRttUs = Math.min(...withRtt.map((x) => x.rtt));
    return { offsetUs: round2(percentile(fastest.map((x) => x.offset), 50)), boundUs: round2(bestRttUs / 2), bestRttUs: round2(bestRttUs), pings: samples.length };
  };
  const side = (samples) => Object.fromEntries(RECEIVERS.map(({ id }) => [id, estimate(samples[id])]));
  return { before: side(sync.before), after: side(sync.after) };
}

await runIfMain(import.meta.url, { name, description, defaultDriver, run });
