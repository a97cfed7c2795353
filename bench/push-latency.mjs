// Benchmark: how long from `hub.publish()` in Node until the event is applied in a tab (its
// `onInvalidate` listener fires), through the invalidation hub ('cachette/server', built in
// dist/) with the memory broker and with Redis (a throwaway redis-server), interleaved.
//
// One Chromium (fresh on-disk profile, no DevTools session on any page by default), three
// tabs of one origin, each calling `connectInvalidations()` for both hubs: one tab per hub
// holds the SSE connection and applies each event (an IndexedDB delete, then its listener,
// then a BroadcastChannel post); the other two follow over BroadcastChannel. The runner
// checks that each hub saw exactly one SSE request from the three tabs.
//
// Each round publishes one event per broker, in a seeded random order, `gapMs` + 0–10 ms
// apart (so events never queue behind each other). Times: the publisher's
// `timeOrigin + now()` just before `publish()`, and each tab's listener's, put on the
// publisher's clock with the offset each tab measured before and after (bench/lib/push-tabs.mjs;
// the report shows the offsets and their bounds). No tab sends anything while events are timed.
//
//   node bench/push-latency.mjs [--driver=bare|playwright] [--rounds=200 --warmup=20 --gapMs=25 --tabs=3 --pings=50 --seed=1]
import { loadMeter, resultJson, runIfMain, withDefaults } from './lib/harness.mjs';
import { hubOptions, startPushOrigin, wallNow } from './lib/push-origin.mjs';
import { checkOneConnection, CLOCK_HEADER, clockRows, clockSummary, idCollisions, importHub, latencyRows, missedSummary, mulberry32, openPushTabs, reportsFromTabs, tabLatencies } from './lib/push-tabs.mjs';
import { startRedis } from '../scripts/redis-server.mjs';
import { createReportQueue } from './lib/server.mjs';
import { roundAll } from './lib/stats.mjs';
import { fixed, markdownTable, times } from './lib/table.mjs';

export const name = 'push-latency';
export const description = 'hub.publish() in Node → onInvalidate in 3 tabs of one browser (one SSE connection, the others over BroadcastChannel), memory vs Redis broker, interleaved';
/** Playwright's network instrumentation would sit on the SSE stream and the clock pings. */
export const defaultDriver = 'bare';

const BROKERS = ['memory', 'redis'];
const REPORT_TIMEOUT_MS = 60_000;

/**
 * Runs the benchmark once.
 * @param {{ driver?: string, params?: Record<string, number>, log?: (line: string) => void }} options
 * @returns {Promise<{ markdown: string, json: object }>}
 */
export async function run({ driver = defaultDriver, params = {}, log = console.error } = {}) {
  const config = withDefaults(params, { rounds: 200, warmup: 20, gapMs: 25, tabs: 3, pings: 50, seed: 1 });
  const { rounds, warmup, gapMs, tabs: tabCount, pings } = config;
  const load = loadMeter();
  const createInvalidationHub = await importHub();
  const redis = await startRedis();
  const hubs = {
    memory: createInvalidationHub(hubOptions('memory')),
    redis: createInvalidationHub(hubOptions('redis', { redisUrl: redis.url, stream: 'bench:push-latency' })),
  };
  const queue = createReportQueue();
  let origin;
  let browser;
  try {
    origin = await startPushOrigin({ hubs, onReport: queue.push });
    const opened = await openPushTabs(origin.origin, queue, { count: tabCount, hubs: BROKERS, pings, driver, log });
    browser = opened.browser;
    checkOneConnection(origin.sseRequests(), BROKERS, tabCount);
    log(`${tabCount} tabs ready, one SSE connection per hub; ${warmup} + ${rounds} interleaved rounds, ${gapMs}–${gapMs + 10} ms apart`);

    const random = mulberry32(config.seed);
    const published = new Map();
    const ids = {};
    const keysByBroker = Object.fromEntries(BROKERS.map((b) => [b, []]));
    const order = [...BROKERS];
    for (let round = 0; round < warmup + rounds; round += 1) {
      if (random() < 0.5) order.reverse();
      for (const broker of order) {
        const key = `${broker}:${round}`;
        const t = wallNow();
        ids[key] = await hubs[broker].publish({ keys: [key] });
        published.set(key, t);
        if (round >= warmup) keysByBroker[broker].push(key);
        await new Promise((resolve) => setTimeout(resolve, gapMs + random() * 10));
      }
    }
    const hubStats = Object.fromEntries(BROKERS.map((b) => [b, hubs[b].stats()]));
    const sseRequests = origin.sseRequests();
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const broker of BROKERS) await hubs[broker].publish({ keys: [`bench:collect:${broker}`] });
    const collected = await reportsFromTabs(queue, 'samples', tabCount, REPORT_TIMEOUT_MS, browser);
    const latencies = tabLatencies(opened.hellos, collected, keysByBroker, published);
    return report({
      latencies,
      collisions: idCollisions(ids),
      hubStats,
      sseRequests,
      config,
      environment: { driver, version: browser.version, chrome: browser.chrome, redis: redis.version, node: process.version, loadAverage1m5m15m: load() },
    });
  } finally {
    await browser?.close();
    await Promise.all(Object.values(hubs).map((hub) => hub.close()));
    await origin?.close();
    await redis.stop();
  }
}

function report({ latencies, collisions, hubStats, sseRequests, config, environment }) {
  const rows = latencyRows(latencies, BROKERS);
  const memoryOf = (id) => rows.find((r) => r.broker === 'memory' && r.id === id)?.stats;
  const latencyTable = markdownTable(
    ['broker', 'tab', 'p50 ms', 'p95 ms', 'mean ms', 'max ms', 'vs memory (p50)', 'vs memory (p95)'],
    rows.map(({ broker, id, label, stats }) => [
      broker,
      label,
      fixed(stats.median, 2),
      fixed(stats.p95, 2),
      fixed(stats.mean, 2),
      fixed(stats.max, 1),
      broker === 'memory' ? '(reference)' : times(stats.median / memoryOf(id)?.median),
      broker === 'memory' ? '(reference)' : times(stats.p95 / memoryOf(id)?.p95),
    ]),
  );
  const clockTable = markdownTable(CLOCK_HEADER, clockRows(latencies.clocks));
  const connections = BROKERS.map((b) => `${b}: ${sseRequests[b].browser} SSE request from ${config.tabs} tabs, hub stats ${hubStats[b].connections} connection, ${hubStats[b].dropped} dropped`).join('; ');
  const markdown = [
    `### push-latency: \`hub.publish()\` → \`onInvalidate\` in ${config.tabs} tabs of one browser, ${config.rounds} interleaved rounds per broker (${config.warmup} warm-up), ${config.gapMs}–${config.gapMs + 10} ms apart`,
    '',
    `driver: ${environment.driver}; Chromium ${environment.version}; Node ${environment.node}; Redis ${environment.redis}; load average (1 min) ${environment.loadAverage1m5m15m.before[0]} before, ${environment.loadAverage1m5m15m.after[0]} after`,
    '',
    `One connection per browser: ${connections}. ${missedSummary(latencies, BROKERS, collisions)}`,
    '',
    latencyTable,
    '',
    `Method: one-way times, \`performance.timeOrigin + performance.now()\` in Node just before \`publish()\` and in each tab's listener (both this machine's wall clock). Each tab fetched /clock ${config.pings} times before and ${config.pings} after; by causality each round trip bounds the offset (Node − tab), and the intersection is the interval below. ${clockSummary(latencies.clocks)}`,
    '',
    clockTable,
  ].join('\n');
  const json = resultJson({ name, description }, {
    environment,
    config: { ...config, order: 'interleaved: each round publishes once per broker, in a seeded random order', clock: 'one-way wall-clock times (timeOrigin + now()), checked per tab by `pings` /clock round trips before and after: correction applied only when the causal offset interval excludes 0' },
    oneConnectionPerBrowser: Object.fromEntries(BROKERS.map((b) => [b, { sseRequestsFromTabs: sseRequests[b].browser, byTab: sseRequests[b].tabs, hubStats: hubStats[b] }])),
    latencyMs: Object.fromEntries(rows.map((r) => [`${r.broker}.${r.id}`, { label: r.label, ...roundAll(r.stats, 3) }])),
    clocks: latencies.clocks,
    samplesMs: Object.fromEntries(BROKERS.map((b) => [b, { leaders: latencies.byBroker[b].leaders, missed: latencies.byBroker[b].missed.map(({ key, tab }) => ({ key, tab, idCollides: collisions.has(key) })), perTab: mapValues(latencies.byBroker[b].perTab, (v) => v.map((x) => Math.round(x * 1000) / 1000)), slowest: latencies.byBroker[b].slowest.map((x) => Math.round(x * 1000) / 1000) }])),
  });
  return { markdown, json };
}

function mapValues(object, fn) {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, fn(v)]));
}

await runIfMain(import.meta.url, { name, description, defaultDriver, run });
