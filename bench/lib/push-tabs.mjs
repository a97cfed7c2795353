// The tabs of the push benchmarks: opening them (bench/page/push-tab.js on a push origin),
// hearing their reports, checking each tab's clock against the publisher's, and turning
// what they heard into publish → listener latencies.
//
// Clock method: every time is `performance.timeOrigin + performance.now()` in its own
// process (the publisher's Node process, each tab's renderer): both are this machine's wall
// clock (each process converts the monotonic clock to epoch time with an offset sampled
// once), so they are compared as they are. Each tab checks that, before and after the timed
// part: it fetches /clock (the server's time) `pings` times. By causality the server read its
// clock between the tab's send and answer, so every round trip bounds the offset (server −
// tab) to [server − answered, server − sent]; the intersection over all round trips is the
// interval the true offset lies in, whatever the asymmetry of each trip. When it contains 0
// (the clocks agree), no correction is applied and the interval bounds the error; when it
// does not (a clock stepped), its midpoint is applied and the report says so.
import { openBrowser } from './browser.mjs';
import { summarize } from './stats.mjs';
import { fixed } from './table.mjs';

/**
 * Waits for one report of `type` from each of `count` tabs; fails on a tab's error report.
 * @returns {Promise<Record<string, object>>} tab → its report
 */
export async function reportsFromTabs(queue, type, count, timeoutMs, browser) {
  const byTab = {};
  const deadline = Date.now() + timeoutMs;
  while (Object.keys(byTab).length < count) {
    let report;
    try {
      report = await queue.next(Math.max(1, deadline - Date.now()));
    } catch (error) {
      const output = browser ? `; last browser output:\n${browser.diagnostics().join('\n')}` : '';
      throw new Error(`${error.message} (waiting for '${type}' from ${count} tabs, got ${Object.keys(byTab).join(', ') || 'none'})${output}`, { cause: error });
    }
    if (!report.ok) throw new Error(`tab ${report.tab} failed: ${report.error}\n${report.stack ?? ''}`);
    if (report.type === type) byTab[report.tab] = report;
  }
  return byTab;
}

/**
 * Opens `count` tabs of one Chromium (one fresh on-disk profile) on `origin`, each calling
 * `connectInvalidations` for every hub in `hubs`, and waits until each has connected
 * (or follows) and measured its clock offset.
 */
export async function openPushTabs(origin, queue, { count = 3, hubs, pings = 50, driver = 'bare', log = () => {}, timeoutMs = 60_000 }) {
  const urls = Array.from({ length: count }, (_, i) => `${origin}/tab.html?tab=${i}&hubs=${hubs.join(',')}&pings=${pings}`);
  const browser = await openBrowser(urls, { driver, log, pipe: true });
  try {
    const hellos = await reportsFromTabs(queue, 'hello', count, timeoutMs, browser);
    for (const hello of Object.values(hellos)) {
      if (hello.crossOriginIsolated !== true) throw new Error(`tab ${hello.tab} is not cross-origin isolated; its times would step by 100 µs`);
    }
    return { browser, hellos };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** Fails unless each hub saw exactly one SSE request from the `tabs` tabs (`sse`: the origin's counts per hub). */
export function checkOneConnection(sse, brokers, tabs) {
  for (const broker of brokers) {
    const { browser: fromTabs, other } = sse[broker];
    if (fromTabs !== 1 || other !== 0) throw new Error(`the ${broker} hub saw ${fromTabs} SSE requests from ${tabs} tabs (and ${other} others); expected exactly 1: one connection per browser`);
  }
}

/**
 * What round trips [sent, server, answered] tell about the offset (server − tab): the
 * interval [lo, hi] every trip allows (empty, lo > hi, if the offset changed meanwhile),
 * the fastest trip and its midpoint estimate.
 */
export function clockInterval(samples) {
  let lo = -Infinity;
  let hi = Infinity;
  let best;
  for (const [t0, server, t1] of samples) {
    lo = Math.max(lo, server - t1);
    hi = Math.min(hi, server - t0);
    const rttMs = t1 - t0;
    if (!best || rttMs < best.rttMs) best = { rttMs, midpointMs: server - (t0 + t1) / 2 };
  }
  if (!best) throw new Error('no clock samples from a tab');
  return { loMs: lo, hiMs: hi, bestRttMs: best.rttMs, bestMidpointMs: best.midpointMs };
}

/**
 * The correction for one tab, from its round trips before and after: none when the clocks
 * are consistent (0 within the interval), else the interval's midpoint (or, if the interval
 * is empty, the mean of the fastest trips' midpoints).
 */
export function tabClock(before, after) {
  const b = clockInterval(before);
  const a = clockInterval(after);
  const all = clockInterval([...before, ...after]);
  let appliedMs = 0;
  let verdict = 'consistent: 0 within the interval, no correction';
  if (all.loMs > all.hiMs) {
    appliedMs = (b.bestMidpointMs + a.bestMidpointMs) / 2;
    verdict = 'the offset moved during the run (empty interval): mean of the fastest trips\' midpoints applied';
  } else if (all.loMs > 0 || all.hiMs < 0) {
    appliedMs = (all.loMs + all.hiMs) / 2;
    verdict = 'the clocks disagree: the interval\'s midpoint applied';
  }
  // The most the applied correction can be off by.
  const errorMs = all.loMs > all.hiMs ? Math.max(b.bestRttMs, a.bestRttMs) / 2 : Math.max(appliedMs - all.loMs, all.hiMs - appliedMs);
  return { before: b, after: a, all, appliedMs, errorMs, verdict };
}

/**
 * Per-event latencies from the publisher's `published` times (key → time on its clock) to
 * each tab's listener, on one clock.
 * @param {Record<string, object>} hellos tab → its hello report (clock samples before)
 * @param {Record<string, object>} collected tab → its samples report (heard, clock samples after, leads)
 * @param {Record<string, string[]>} keysByBroker broker → the keys measured, in order
 * @param {Map<string, number> | Record<string, number>} published key → publish time
 */
export function tabLatencies(hellos, collected, keysByBroker, published) {
  const at = published instanceof Map ? (key) => published.get(key) : (key) => published[key];
  const tabs = Object.keys(collected).sort((a, b) => Number(a) - Number(b));
  const clocks = Object.fromEntries(tabs.map((tab) => [tab, tabClock(hellos[tab].sync, collected[tab].sync)]));
  const result = {};
  for (const [broker, keys] of Object.entries(keysByBroker)) {
    const leaders = tabs.filter((tab) => (collected[tab].leads?.[broker] ?? 0) > 0);
    const perTab = Object.fromEntries(tabs.map((tab) => [tab, []]));
    const slowest = [];
    /** (event, tab) pairs never heard; an event some tab missed has no "slowest". */
    const missed = [];
    for (const key of keys) {
      const sent = at(key);
      if (sent === undefined) throw new Error(`no publish time for ${key}`);
      let max = -Infinity;
      let heardByAll = true;
      for (const tab of tabs) {
        const t = collected[tab].heard[key];
        if (t === undefined) {
          missed.push({ key, tab });
          heardByAll = false;
          continue;
        }
        const latency = t + clocks[tab].appliedMs - sent;
        perTab[tab].push(latency);
        max = Math.max(max, latency);
      }
      if (heardByAll) slowest.push(max);
    }
    result[broker] = { leaders, perTab, slowest, missing: missed.length, missed };
  }
  return { clocks, byBroker: result };
}

/** A markdown-ready row per tab: the offset interval, the correction applied and its error bound. */
export function clockRows(clocks) {
  return Object.entries(clocks).map(([tab, c]) => [
    tab,
    `[${fixed(c.before.loMs, 3)}, ${fixed(c.before.hiMs, 3)}]`,
    `[${fixed(c.after.loMs, 3)}, ${fixed(c.after.hiMs, 3)}]`,
    `[${fixed(c.all.loMs, 3)}, ${fixed(c.all.hiMs, 3)}]`,
    `${fixed(c.before.bestRttMs, 2)} / ${fixed(c.after.bestRttMs, 2)}`,
    fixed(c.appliedMs, 3),
    `±${fixed(c.errorMs, 2)}`,
  ]);
}

/** The header of `clockRows`' table. */
export const CLOCK_HEADER = ['tab', 'offset interval before, ms', 'after', 'all round trips', 'fastest RTT before / after ms', 'correction applied ms', 'error bound ms'];

/** Rows per broker: the leading tab, each following tab, and the slowest of all per event. */
export function latencyRows(latencies, brokers) {
  const rows = [];
  for (const broker of brokers) {
    const { leaders, perTab, slowest, missing } = latencies.byBroker[broker];
    const leader = leaders.length === 1 ? leaders[0] : undefined;
    const followers = Object.keys(perTab).filter((tab) => tab !== leader);
    rows.push({ broker, id: 'leader', label: leader === undefined ? `leader: ${leaders.length} tabs connected (${leaders.join(', ')})` : `leader (tab ${leader}, holds the connection)`, stats: summarize(leader === undefined ? [] : perTab[leader]), missing });
    for (const tab of followers) rows.push({ broker, id: `tab${tab}`, label: `follower (tab ${tab}, over BroadcastChannel)`, stats: summarize(perTab[tab]), missing });
    rows.push({ broker, id: 'slowest', label: `slowest of ${Object.keys(perTab).length} tabs, per event`, stats: summarize(slowest), missing });
  }
  return rows;
}

/** One sentence on whether the tabs' clocks needed a correction, and the error bound. */
export function clockSummary(clocks) {
  const all = Object.values(clocks);
  const worst = Math.max(...all.map((c) => c.errorMs));
  if (all.every((c) => c.appliedMs === 0)) return `Every interval contains 0: the clocks agree, no correction was applied, and no latency is off by more than ${fixed(worst, 2)} ms.`;
  return `**Not every interval contains 0**: ${Object.entries(clocks).filter(([, c]) => c.appliedMs !== 0).map(([tab, c]) => `tab ${tab}: ${c.verdict}`).join('; ')}; error bound ${fixed(worst, 2)} ms.`;
}

/**
 * Keys whose event id is also another key's (`ids`: key → the id its hub returned). Two hubs
 * on one origin issue ids independently (`<ms>-<seq>`), and a page acts once per id.
 */
export function idCollisions(ids) {
  const byId = new Map();
  for (const [key, id] of Object.entries(ids)) byId.set(id, [...(byId.get(id) ?? []), key]);
  return new Set([...byId.values()].filter((keys) => keys.length > 1).flat());
}

/** A sentence on (event, tab) pairs never heard, and how many of them share their id with another hub's event. */
export function missedSummary(latencies, brokers, collisions) {
  const missed = brokers.flatMap((b) => latencies.byBroker[b].missed);
  if (missed.length === 0) return 'Every tab heard every event.';
  const colliding = missed.filter(({ key }) => collisions.has(key)).length;
  const perBroker = brokers.map((b) => `${b} ${latencies.byBroker[b].missing}`).join(', ');
  return `**${missed.length} (event, tab) pairs were never heard** (${perBroker}); ${colliding} of them are events whose id equals an event id of the other hub (published in the same millisecond): each tab acts once per id, whichever hub sent it. Events some tab missed are left out of "slowest".`;
}

/** A seeded PRNG (mulberry32), for reproducible interleaving orders. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `createInvalidationHub` from the built package (its self-reference, as an app imports it). */
export async function importHub() {
  try {
    return (await import('cachette/server')).createInvalidationHub;
  } catch (error) {
    throw new Error(`could not import 'cachette/server' (dist/server.js): run \`npm run build\` first (${error.message})`, { cause: error });
  }
}
