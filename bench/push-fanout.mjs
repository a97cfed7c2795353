// Benchmark: the invalidation hub ('cachette/server', built in dist/) at 1,000 subscribers
// per hub, with the memory broker and with Redis (a throwaway redis-server).
//
// The hub runs in a child process of its own (`node --expose-gc`, bench/lib/hub-process-main.mjs),
// serving one hub per broker and the tab page; this process holds the subscribers: 1,000
// Node SSE clients per hub (node:http, one socket each, bench/lib/sse-clients.mjs), and a
// Chromium with 3 tabs calling `connectInvalidations()` for both hubs. Four measurements:
//
// 1. Memory per idle connection: in a fresh hub process per variant (a bare SSE endpoint
//    as the reference, the memory hub, the Redis hub), `process.memoryUsage()` after
//    `gc()` before and after 1,000 clients connect (and received `ready`), divided by 1,000.
// 2. Delivery at a steady rate, 1,000 Node clients + 3 tabs per hub: `rate` events a second
//    per broker, interleaved (one per broker every tick, in a seeded random order). Node
//    clients: from this process's `performance.now()` just before it tells the hub process
//    to publish (one IPC hop, measured) to each client's chunk arriving, one clock. Tabs:
//    from the hub process's `timeOrigin + now()` at its `publish()` call to each tab's
//    `onInvalidate` listener, checked against the tabs' clocks as in push-latency.
// 3. One connection per browser: the hub process counts SSE requests carrying the tab
//    page's `X-Bench-Tab` header; exactly 1 per hub is required (else the run fails).
// 4. Sustained throughput (the tabs closed first): the hub process publishes as fast as
//    the hub takes events for `floodMs`, alternately per broker, `floodBlocks` times each;
//    how many events reached all 1,000 clients per second, from the start of the flood to
//    the last event's last delivery, with both processes' CPU use (to see which saturated).
//
//   node bench/push-fanout.mjs [--driver=bare|playwright] [--clients=1000 --rate=10 --events=200 --warmup=20
//                               --floodMs=3000 --floodBlocks=2 --redisWindow=32 --memoryBurst=1 --tabs=3 --pings=50 --seed=1]
import { loadMeter, resultJson, runIfMain, withDefaults } from './lib/harness.mjs';
import { measureHubMemory } from './lib/hub-memory.mjs';
import { startHubProcess } from './lib/hub-process.mjs';
import { checkOneConnection, CLOCK_HEADER, clockRows, clockSummary, idCollisions, importHub, latencyRows, missedSummary, mulberry32, openPushTabs, reportsFromTabs, tabLatencies } from './lib/push-tabs.mjs';
import { startRedis } from '../scripts/redis-server.mjs';
import { createReportQueue } from './lib/server.mjs';
import { connectSseClients } from './lib/sse-clients.mjs';
import { round2, roundAll, summarize } from './lib/stats.mjs';
import { fixed, markdownTable, times } from './lib/table.mjs';

export const name = 'push-fanout';
export const description = 'the invalidation hub at 1,000 Node SSE subscribers + 3 tabs per hub (memory, Redis): delivery p50/p95, memory per idle connection, events/s delivered to all';
/** Playwright's network instrumentation would sit on the tabs' SSE stream and clock pings. */
export const defaultDriver = 'bare';

const BROKERS = ['memory', 'redis'];
const MEMORY_VARIANTS = [
  { id: 'raw', label: 'bare SSE endpoint (node:http, headers + one frame; reference)' },
  { id: 'memory', label: 'hub, memory broker' },
  { id: 'redis', label: 'hub, Redis broker' },
];
const GOALS = { tabP95Ms: 50, bytesPerConnection: 10 * 1024 };
const REPORT_TIMEOUT_MS = 60_000;
const DRAIN_TIMEOUT_MS = 30_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** A `process.cpuUsage()` result as ms of CPU. */
const cpuMs = (cpu) => (cpu.user + cpu.system) / 1000;

/**
 * Runs the benchmark once.
 * @param {{ driver?: string, params?: Record<string, number>, log?: (line: string) => void }} options
 * @returns {Promise<{ markdown: string, json: object }>}
 */
export async function run({ driver = defaultDriver, params = {}, log = console.error } = {}) {
  const config = withDefaults(params, { clients: 1000, rate: 10, events: 200, warmup: 20, floodMs: 3000, floodBlocks: 2, redisWindow: 32, memoryBurst: 1, tabs: 3, pings: 50, seed: 1 });
  const load = loadMeter();
  await importHub(); // fails early, with the fix, when dist/ is missing
  const redis = await startRedis();
  const queue = createReportQueue();
  let hub;
  let browser;
  const pools = [];
  try {
    const memory = {};
    for (const variant of MEMORY_VARIANTS) {
      memory[variant.id] = await measureHubMemory(variant.id, config.clients, { redisUrl: redis.url, log });
      log(`memory per idle connection, ${variant.id}: heap ${fixed(memory[variant.id].perConnection.heapUsed / 1024, 2)} KB, RSS ${fixed(memory[variant.id].perConnection.rss / 1024, 2)} KB (next ${config.clients}: ${fixed(memory[variant.id].marginal.rss / 1024, 2)} KB)`);
    }

    hub = await startHubProcess({ brokers: BROKERS, redisUrl: redis.url, stream: 'bench:push-fanout' }, { onReport: queue.push, log });
    const ipc = await ipcRoundTrips(hub, 50);

    // What the Node clients heard: steady events by key; flood events counted per key.
    const steady = new Map();
    let flood;
    const onKey = (key, t) => {
      const event = steady.get(key);
      if (event) {
        const latency = t - event.sent;
        event.count += 1;
        if (latency > event.max) event.max = latency;
        if (event.measured) event.samples.push(latency);
        return;
      }
      if (flood && key.startsWith(flood.prefix)) {
        const count = (flood.counts.get(key) ?? 0) + 1;
        flood.counts.set(key, count);
        if (count === config.clients) {
          flood.completed += 1;
          flood.lastComplete = t;
        }
      }
    };
    for (const broker of BROKERS) pools.push(await connectSseClients(`${hub.origin}/hub/${broker}/events`, config.clients, { onKey }));
    const opened = await openPushTabs(hub.origin, queue, { count: config.tabs, hubs: BROKERS, pings: config.pings, driver, log });
    browser = opened.browser;
    const connected = await hub.request('stats');
    checkOneConnection(connected.sse, BROKERS, config.tabs);
    for (const broker of BROKERS) {
      const { node } = connected.sse[broker];
      if (node !== config.clients || connected.hubs[broker].connections !== config.clients + 1) {
        throw new Error(`the ${broker} hub has ${connected.hubs[broker].connections} connections (${node} Node clients); expected ${config.clients} + 1`);
      }
    }
    log(`${config.clients} Node clients + ${config.tabs} tabs (1 connection) per hub; ${config.warmup} + ${config.events} events per broker at ${config.rate}/s each, interleaved`);

    // Steady rate, interleaved.
    await hub.request('watchLoop');
    const random = mulberry32(config.seed);
    const keysByBroker = Object.fromEntries(BROKERS.map((b) => [b, []]));
    const order = [...BROKERS];
    const interval = 1000 / (config.rate * BROKERS.length);
    const start = performance.now();
    let tick = 0;
    for (let i = 0; i < config.warmup + config.events; i += 1) {
      if (random() < 0.5) order.reverse();
      for (const broker of order) {
        const wait = start + tick * interval - performance.now();
        tick += 1;
        if (wait > 0) await sleep(wait);
        const key = `${broker}:${i}`;
        const measured = i >= config.warmup;
        steady.set(key, { broker, sent: performance.now(), count: 0, max: -Infinity, measured, samples: [] });
        hub.publish(broker, key);
        if (measured) keysByBroker[broker].push(key);
      }
    }
    const steadySeconds = (performance.now() - start) / 1000;
    // Every Node client has every event (or a bound passed), then each hub tells the tabs to report.
    const lastKeys = BROKERS.map((b) => keysByBroker[b].at(-1));
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    while (lastKeys.some((key) => steady.get(key).count < config.clients) && performance.now() < deadline) await sleep(20);
    await sleep(200);
    const afterSteady = await hub.request('stats');
    const hubLoop = await hub.request('loopDelay');
    for (const broker of BROKERS) hub.publish(broker, `bench:collect:${broker}`);
    const collected = await reportsFromTabs(queue, 'samples', config.tabs, REPORT_TIMEOUT_MS, browser);
    const published = await hub.request('publishTimes');
    const tabs = tabLatencies(opened.hellos, collected, keysByBroker, published.times);
    const collisions = idCollisions(published.ids);
    const nodeClients = Object.fromEntries(BROKERS.map((broker) => [broker, nodeDeliveries(keysByBroker[broker].map((key) => steady.get(key)), config.clients)]));
    steady.clear();
    const version = browser.version;
    await browser.close();
    browser = undefined;

    // Sustained: as fast as possible, the tabs gone.
    const blocks = [];
    for (let block = 0; block < config.floodBlocks; block += 1) {
      for (const broker of block % 2 === 0 ? BROKERS : [...BROKERS].reverse()) {
        flood = { prefix: `flood:${broker}:${block}:`, counts: new Map(), completed: 0, lastComplete: Number.NaN };
        const before = await hub.request('stats');
        const wallBefore = performance.now();
        const cpuBefore = process.cpuUsage();
        const t0 = performance.now();
        const result = await hub.request('flood', { broker, ms: config.floodMs, window: broker === 'redis' ? config.redisWindow : config.memoryBurst, burst: broker === 'redis' ? 1 : config.memoryBurst, prefix: flood.prefix });
        const stopped = performance.now();
        const lastKey = `${flood.prefix}${result.published - 1}`;
        const deadline = stopped + DRAIN_TIMEOUT_MS;
        while ((flood.counts.get(lastKey) ?? 0) < config.clients && performance.now() < deadline) await sleep(10);
        const cpuClients = process.cpuUsage(cpuBefore);
        const after = await hub.request('stats');
        const wall = performance.now() - wallBefore;
        blocks.push({
          broker,
          block,
          published: result.published,
          publishErrors: result.errors,
          publishPerSecond: result.published / (result.elapsedMs / 1000),
          deliveredToAll: flood.completed,
          deliveredToAllPerSecond: flood.completed / ((flood.lastComplete - t0) / 1000),
          drainMs: Math.max(0, flood.lastComplete - stopped),
          complete: (flood.counts.get(lastKey) ?? 0) >= config.clients,
          hubCpuPercent: (100 * (cpuMs(after.cpu) - cpuMs(before.cpu))) / wall,
          clientsCpuPercent: (100 * cpuMs(cpuClients)) / wall,
          dropped: after.hubs[broker].dropped - before.hubs[broker].dropped,
          backloggedAfter: after.hubs[broker].backlogged,
        });
        log(`flood ${broker} #${block}: ${result.published} published, ${flood.completed} to all ${config.clients}; ${fixed(blocks.at(-1).deliveredToAllPerSecond, 0)}/s`);
        flood = undefined;
        await sleep(300);
      }
    }
    const final = await hub.request('stats');
    return report({
      config,
      memory,
      ipc,
      tabs,
      collisions,
      publishResolve: Object.fromEntries(BROKERS.map((b) => [b, summarize(published.resolveMs[b] ?? [])])),
      hubCpuPerEventMs: (cpuMs(afterSteady.cpu) - cpuMs(connected.cpu)) / (BROKERS.length * (config.warmup + config.events)),
      hubLoop,
      nodeClients,
      steadySeconds,
      connected,
      afterSteady,
      final,
      blocks,
      environment: { driver, version, redis: redis.version, node: process.version, loadAverage1m5m15m: load() },
    });
  } finally {
    await browser?.close();
    for (const pool of pools) pool.close();
    await hub?.close();
    await redis.stop();
  }
}

async function ipcRoundTrips(hub, n) {
  const rtts = [];
  for (let i = 0; i < n; i += 1) {
    const t0 = performance.now();
    await hub.request('ping');
    rtts.push(performance.now() - t0);
  }
  return summarize(rtts);
}

/** Every delivery's latency, each event's last delivery, and deliveries missing. */
function nodeDeliveries(events, clients) {
  const all = events.flatMap((e) => e.samples);
  const last = events.filter((e) => e.count === clients).map((e) => e.max);
  const missing = events.reduce((n, e) => n + (clients - e.count), 0);
  return { all: summarize(all), last: summarize(last), missing, incompleteEvents: events.length - last.length };
}

function report({ config, memory, ipc, tabs, collisions, publishResolve, hubCpuPerEventMs, hubLoop, nodeClients, steadySeconds, connected, afterSteady, final, blocks, environment }) {
  const kb = (bytes) => fixed(bytes / 1024, 2);
  const tabRows = latencyRows(tabs, BROKERS);
  const slowestTab = Object.fromEntries(BROKERS.map((b) => [b, tabRows.find((r) => r.broker === b && r.id === 'slowest').stats]));
  const leaderTab = Object.fromEntries(BROKERS.map((b) => [b, tabRows.find((r) => r.broker === b && r.id === 'leader').stats]));
  const deliveryRows = [];
  for (const broker of BROKERS) {
    deliveryRows.push({ broker, id: 'node-all', label: `${config.clients} Node clients: every delivery`, stats: nodeClients[broker].all });
    deliveryRows.push({ broker, id: 'node-last', label: `${config.clients} Node clients: last of each event`, stats: nodeClients[broker].last });
    deliveryRows.push({ broker, id: 'tab-leader', label: `tabs: leader (holds the connection)`, stats: leaderTab[broker] });
    deliveryRows.push({ broker, id: 'tab-slowest', label: `tabs: slowest of ${config.tabs}, per event`, stats: slowestTab[broker] });
  }
  const ref = (id) => deliveryRows.find((r) => r.broker === 'memory' && r.id === id).stats;
  const deliveryTable = markdownTable(
    ['broker', 'receiver', 'p50 ms', 'p95 ms', 'max ms', 'vs memory (p50)', 'vs memory (p95)'],
    deliveryRows.map(({ broker, id, label, stats }) => [
      broker,
      label,
      fixed(stats.median, 2),
      fixed(stats.p95, 2),
      fixed(stats.max, 1),
      broker === 'memory' ? '(reference)' : times(stats.median / ref(id).median),
      broker === 'memory' ? '(reference)' : times(stats.p95 / ref(id).p95),
    ]),
  );
  const memoryTable = markdownTable(
    ['variant', `heap used KB / connection, first ${config.clients}`, `RSS KB / connection, first ${config.clients}`, `heap used KB / connection, ${config.clients} more`, `RSS KB / connection, ${config.clients} more`, `time to connect ${config.clients} (50 at a time) s`],
    MEMORY_VARIANTS.map(({ id, label }) => {
      const { perConnection: first, marginal } = memory[id];
      return [label, kb(first.heapUsed + first.external), kb(first.rss), kb(marginal.heapUsed + marginal.external), kb(marginal.rss), fixed(memory[id].connectMs / 1000, 2)];
    }),
  );
  const floodTable = markdownTable(
    ['broker', 'block', 'published / s', `delivered to all ${config.clients} / s`, 'delivered to all / published', 'drain after the publisher stopped, ms', 'hub process CPU %', 'client process CPU %', 'dropped'],
    blocks.map((b) => [
      b.broker,
      String(b.block + 1),
      fixed(b.publishPerSecond, 0),
      fixed(b.deliveredToAllPerSecond, 0),
      `${b.deliveredToAll} / ${b.published}${b.complete ? '' : ' (incomplete)'}`,
      fixed(b.drainMs, 0),
      fixed(b.hubCpuPercent, 0),
      fixed(b.clientsCpuPercent, 0),
      String(b.dropped),
    ]),
  );
  const sse = (b) => connected.sse[b].browser;
  const heapOf = (id) => memory[id].perConnection.heapUsed + memory[id].perConnection.external;
  const heapMet = BROKERS.every((b) => heapOf(b) <= GOALS.bytesPerConnection);
  const rssMet = BROKERS.every((b) => memory[b].perConnection.rss <= GOALS.bytesPerConnection && memory[b].marginal.rss <= GOALS.bytesPerConnection);
  const goals = [
    [`p95 publish → applied in every tab (slowest of ${config.tabs} tabs per event), ${config.clients} Node subscribers + the tabs`, `≤ ${GOALS.tabP95Ms} ms`, ...BROKERS.map((b) => `${fixed(slowestTab[b].p95, 2)} ms`), BROKERS.every((b) => slowestTab[b].p95 <= GOALS.tabP95Ms)],
    [`hub memory per idle connection: JS heap used (first ${config.clients})`, '≤ 10 KB', ...BROKERS.map((b) => `${kb(heapOf(b))} KB`), heapMet],
    [`hub memory per idle connection: RSS (first ${config.clients}; ${config.clients} more)`, '≤ 10 KB', ...BROKERS.map((b) => `${kb(memory[b].perConnection.rss)} KB; ${kb(memory[b].marginal.rss)} KB`), rssMet],
    [`SSE requests from the ${config.tabs} tabs`, '1 per browser', ...BROKERS.map((b) => String(sse(b))), BROKERS.every((b) => sse(b) === 1)],
  ];
  const goalTable = markdownTable(['goal', 'target', ...BROKERS, 'met'], goals.map(([g, target, ...rest]) => [g, target, ...rest.slice(0, -1), rest.at(-1) ? 'yes' : '**no**']));
  const missing = `Node deliveries missing: ${BROKERS.map((b) => `${b} ${nodeClients[b].missing}`).join(', ')}. ${missedSummary(tabs, BROKERS, collisions)}`;
  const markdown = [
    `### push-fanout: the hub at ${config.clients} Node SSE subscribers + ${config.tabs} tabs per hub, memory vs Redis broker`,
    '',
    `driver: ${environment.driver}; Chromium ${environment.version}; Node ${environment.node}; Redis ${environment.redis}; load average (1 min) ${environment.loadAverage1m5m15m.before[0]} before, ${environment.loadAverage1m5m15m.after[0]} after. The hub runs in its own process (\`node --expose-gc\`); the Node clients and the browser's tabs in others.`,
    '',
    goalTable,
    '',
    `#### Delivery at a steady rate: ${config.events} events per broker (${config.warmup} warm-up), ${config.rate}/s each, interleaved (${fixed(steadySeconds, 1)} s)`,
    '',
    `Node clients: this process's \`performance.now()\` before it asks the hub process to publish (one IPC hop; IPC round trip median ${fixed(ipc.median, 3)} ms) → the client's chunk arrives. Tabs: the hub process's \`timeOrigin + now()\` at \`publish()\` → the tab's \`onInvalidate\` listener. ${missing} Hub stats after: ${BROKERS.map((b) => `${b} ${afterSteady.hubs[b].connections} connections, ${afterSteady.hubs[b].backlogged} backlogged, ${afterSteady.hubs[b].dropped} dropped`).join('; ')}.`,
    '',
    deliveryTable,
    '',
    `The hub process used ${fixed(hubCpuPerEventMs, 2)} ms of CPU per event over this phase (${fixed((1000 * hubCpuPerEventMs) / (config.clients + 1), 1)} µs per connection per event; each event is one \`writev\` per connection); its event-loop delay: p50 ${fixed(hubLoop.p50, 1)} ms, p99 ${fixed(hubLoop.p99, 1)} ms, max ${fixed(hubLoop.max, 1)} ms (5 ms resolution).`,
    '',
    `#### Hub memory per idle connection: a fresh hub process per variant, \`process.memoryUsage()\` after \`gc()\` before and after ${config.clients} clients connected (and received \`ready\`), then after ${config.clients} more, each delta ÷ ${config.clients}`,
    '',
    memoryTable,
    '',
    'The bare endpoint is what Node itself holds for an open SSE response (socket, parser, request and response objects); the hub\'s own share is the difference. RSS also moves with V8\'s heap sizing (the Redis process starts with a larger heap, having loaded the client, and grows less).',
    '',
    `#### Sustained throughput: publish as fast as the hub takes it for ${config.floodMs / 1000} s (memory: ${config.memoryBurst} publish${config.memoryBurst === 1 ? '' : 'es'} per event-loop turn; Redis: up to ${config.redisWindow} XADDs in flight), ${config.clients} Node clients, tabs closed`,
    '',
    floodTable,
    '',
    `Tab clocks (offset interval Node hub process − tab, ms). ${clockSummary(tabs.clocks)}`,
    '',
    markdownTable(CLOCK_HEADER, clockRows(tabs.clocks)),
  ].join('\n');
  const json = resultJson({ name, description }, {
    environment,
    config: { ...config, order: 'steady: one event per broker per tick, seeded random order; flood: blocks alternate brokers' },
    goals: Object.fromEntries(goals.map(([goal, target, ...rest]) => [goal, { target, ...Object.fromEntries(BROKERS.map((b, i) => [b, rest[i]])), met: rest.at(-1) }])),
    oneConnectionPerBrowser: Object.fromEntries(BROKERS.map((b) => [b, { sseRequestsFromTabs: sse(b), byTab: connected.sse[b].tabs, nodeClients: connected.sse[b].node, hubConnections: connected.hubs[b].connections }])),
    deliveryMs: Object.fromEntries(deliveryRows.map((r) => [`${r.broker}.${r.id}`, { label: r.label, ...roundAll(r.stats, 3) }])),
    tabRowsMs: Object.fromEntries(tabRows.map((r) => [`${r.broker}.${r.id}`, { label: r.label, ...roundAll(r.stats, 3) }])),
    nodeMissing: Object.fromEntries(BROKERS.map((b) => [b, { deliveries: nodeClients[b].missing, incompleteEvents: nodeClients[b].incompleteEvents }])),
    ipcRoundTripMs: roundAll(ipc, 4),
    hubCpuPerEventMs: round2(hubCpuPerEventMs),
    hubEventLoopDelayMs: roundAll(hubLoop, 2),
    // Memory: until publish() queued the writes (they go out on the next tick); Redis: until XADD's reply was read, often after XREAD's fan-out.
    publishResolveMs: Object.fromEntries(BROKERS.map((b) => [b, roundAll(publishResolve[b], 3)])),
    memory,
    sustained: blocks,
    hubStats: { afterSteady: afterSteady.hubs, final: final.hubs },
    tabsMissed: Object.fromEntries(BROKERS.map((b) => [b, tabs.byBroker[b].missed.map(({ key, tab }) => ({ key, tab, idCollides: collisions.has(key) }))])),
    idCollisions: [...collisions],
    clocks: tabs.clocks,
  });
  return { markdown, json };
}

await runIfMain(import.meta.url, { name, description, defaultDriver, run });
