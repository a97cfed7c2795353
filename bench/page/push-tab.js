// One tab of the push benchmarks (bench/push-latency.mjs, bench/push-fanout.mjs), served as
// is by bench/lib/push-origin.mjs (not bundled: it imports the built package from /dist/,
// the same build the hub runs from). Several tabs of one browser open it (`?tab=0`, `1`, …);
// each configures Cachette (an IndexedDB cache and a memory one, so the leader's apply does
// a real delete), listens with `onInvalidate`, and calls `connectInvalidations()` once per
// hub (`?hubs=memory,redis`): one tab per hub holds the connection, the others follow over
// BroadcastChannel.
//
// The listener only notes when it heard each event (`timeOrigin + now()`, cross-origin
// isolated so it steps by 5 µs), keyed by the event's first key. Nothing is sent while
// events are timed: the runner publishes `{ keys: ['bench:collect:<hub>'] }` on each hub afterwards, and
// every tab, once it has heard that from every hub, measures its clock offset again and
// POSTs what it heard.
//
// The `fetch` passed to `connectInvalidations` only counts this tab's connection attempts
// (so the runner knows which tab led) and adds `X-Bench-Tab`, so the server can tell the
// tabs' SSE requests from its Node clients'.
import { defineCaches, onInvalidate } from '/dist/index.js';
import { connectInvalidations } from '/dist/page.js';

const params = new URLSearchParams(location.search);
const tab = params.get('tab') ?? '0';
const hubs = (params.get('hubs') ?? 'memory').split(',');
const pings = Number(params.get('pings') ?? 50);
const COLLECT = 'bench:collect';

const now = () => performance.timeOrigin + performance.now();
/** Event key → when this tab's listener heard it. */
const heard = new Map();
/** Hub → connection attempts this tab made (only the leading tab makes any). */
const leads = {};
const status = (text) => {
  document.getElementById('status').textContent = text;
};

async function post(report) {
  await fetch('/__report', { method: 'POST', body: JSON.stringify(report), headers: { 'Content-Type': 'application/json' } });
}

/** Round trips to the server's clock: [sent, the server's time, answered], in ms since the epoch. */
async function clockSamples(n) {
  const samples = [];
  for (let i = 0; i < n; i += 1) {
    const t0 = now();
    const response = await fetch('/clock', { cache: 'no-store' });
    const server = Number(await response.text());
    samples.push([t0, server, now()]);
  }
  return samples;
}

function timerResolution() {
  let smallest = Infinity;
  for (let i = 0; i < 100; i += 1) {
    const start = performance.now();
    let next = performance.now();
    while (next === start) next = performance.now();
    smallest = Math.min(smallest, next - start);
  }
  return smallest;
}

let collecting = false;
const collects = new Set();
async function collect() {
  try {
    // One tab at a time: three tabs pinging at once would slow each other's round trips.
    await new Promise((resolve) => setTimeout(resolve, Number(tab) * pings * 4));
    const sync = await clockSamples(pings);
    const samples = Object.fromEntries(heard);
    heard.clear();
    await post({ ok: true, type: 'samples', tab, leads, sync, heard: samples });
    status('reported');
  } catch (error) {
    await fail(error);
  } finally {
    collecting = false;
  }
}

async function fail(error) {
  status(`failed: ${error?.message ?? error}`);
  await post({ ok: false, tab, error: String(error?.message ?? error), stack: error?.stack }).catch(() => {});
}

async function main() {
  if (!crossOriginIsolated) throw new Error('the tab is not cross-origin isolated: performance.now() would step by 100 µs');
  defineCaches({ default: { backend: 'idb', location: 'push-bench' }, mem: { backend: 'memory' } });
  onInvalidate((target) => {
    const t = now();
    const key = target.keys?.[0];
    if (typeof key !== 'string') return;
    if (key.startsWith(COLLECT)) {
      // One per hub (`bench:collect:<hub>`): each comes after that hub's timed events, in order.
      collects.add(key);
      if (collects.size === hubs.length && !collecting) {
        collecting = true;
        collects.clear();
        void collect();
      }
      return;
    }
    if (!heard.has(key)) heard.set(key, t);
  });
  const connections = hubs.map((hub) =>
    connectInvalidations(`/hub/${hub}/events`, {
      timeoutMs: 60_000,
      onError: (error) => console.error(`tab ${tab}: ${error.message}`),
      fetch: (url, init) => {
        leads[hub] = (leads[hub] ?? 0) + 1;
        return fetch(url, { ...init, headers: { ...init.headers, 'X-Bench-Tab': tab } });
      },
    }),
  );
  await Promise.all(connections.map((c) => c.ready));
  const sync = await clockSamples(pings);
  await post({ ok: true, type: 'hello', tab, crossOriginIsolated, timerResolutionMs: timerResolution(), leads, sync });
  status('ready');
}

addEventListener('unhandledrejection', (event) => void fail(event.reason));
main().catch(fail);
