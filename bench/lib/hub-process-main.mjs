// The hub's own process in the push-fanout benchmark (started by bench/lib/hub-process.mjs
// with `node --expose-gc`), so its memory is the hub's and the server's alone, and its event
// loop is not the one parsing a thousand clients' streams. It runs a push origin
// (bench/lib/push-origin.mjs) with one hub per broker in `brokers`, and obeys its parent
// over IPC: publish, flood, memory (after gc), stats, publishTimes, ping, close.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInvalidationHub } from 'cachette/server';
import { hubOptions, startPushOrigin, wallNow } from './push-origin.mjs';

const config = JSON.parse(process.argv[2] ?? '{}');
const send = (message) => process.send?.(message);
const hubs = {};
for (const broker of config.brokers ?? []) {
  hubs[broker] = createInvalidationHub({
    ...hubOptions(broker, config),
    onError: (error) => send({ type: 'hub-error', message: String(error?.stack ?? error) }),
  });
}
const origin = await startPushOrigin({ hubs, onReport: (report) => send({ type: 'report', report }) });
/** Event key → when this process called publish() (its wall clock, as the tabs' /clock). */
const published = new Map();
/** Event key → the id its hub gave it. */
const ids = new Map();
/** Broker → how long each publish() took to resolve, ms. */
let resolveMs = {};
/** The event-loop delay histogram, while watched. */
let loop;
let publishErrors = 0;

const handlers = {
  ping: () => ({ t: wallNow() }),
  async memory() {
    for (let i = 0; i < 4; i += 1) {
      globalThis.gc?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { usage: process.memoryUsage(), gc: typeof globalThis.gc === 'function' };
  },
  stats: () => ({
    hubs: Object.fromEntries(Object.entries(hubs).map(([name, hub]) => [name, hub.stats()])),
    sse: origin.sseRequests(),
    raw: origin.rawConnections(),
    cpu: process.cpuUsage(),
    publishErrors,
  }),
  /** Starts (or restarts) watching this process's event-loop delay; `loopDelay` reads it, in ms. */
  watchLoop() {
    loop?.disable();
    loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    return {};
  },
  loopDelay() {
    if (!loop) return undefined;
    loop.disable();
    const ms = (ns) => ns / 1e6;
    return { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), mean: ms(loop.mean) };
  },
  publishTimes() {
    const times = { times: Object.fromEntries(published), ids: Object.fromEntries(ids), resolveMs };
    published.clear();
    ids.clear();
    resolveMs = {};
    return times;
  },
  flood: ({ broker, ms, window, burst, prefix }) => flood(hubs[broker], ms, window, burst ?? 1, prefix),
  async close() {
    await Promise.all(Object.values(hubs).map((hub) => hub.close()));
    await origin.close();
    setImmediate(() => process.exit(0));
    return {};
  },
};

/**
 * Publishes `prefix0`, `prefix1`, … as fast as the hub takes them for `ms`: at most
 * `window` publishes in flight (Redis: each is an XADD round trip), `burst` publishes per
 * turn of the event loop (as from that many requests handled in one turn), then one turn
 * so the sockets are written (the hub writes a turn's events at its end).
 */
async function flood(hub, ms, window, burst, prefix) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const inFlight = new Set();
  let n = 0;
  let errors = 0;
  while (performance.now() - start < ms) {
    for (let i = 0; i < burst; i += 1) {
      const p = hub.publish({ keys: [`${prefix}${n}`] }).catch(() => (errors += 1));
      n += 1;
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    if (inFlight.size >= window) await Promise.race(inFlight);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(inFlight);
  return { published: n, errors, elapsedMs: performance.now() - start, cpu: process.cpuUsage(cpu) };
}

process.on('message', (message) => {
  if (message.cmd === 'publish') {
    // Timed by the parent before it sent this; the time here is for the tabs (this clock).
    const start = performance.now();
    published.set(message.key, wallNow());
    hubs[message.broker].publish({ keys: [message.key] }).then(
      (id) => {
        ids.set(message.key, id);
        // Memory: resolves once the event is written to every connection (the fan-out loop
        // runs inside publish). Redis: once XADD answered (the fan-out runs when XREAD reads it).
        (resolveMs[message.broker] ??= []).push(performance.now() - start);
      },
      (error) => {
        publishErrors += 1;
        send({ type: 'hub-error', message: String(error?.stack ?? error) });
      },
    );
    return;
  }
  const handler = handlers[message.cmd];
  Promise.resolve()
    .then(() => {
      if (!handler) throw new Error(`unknown command '${message.cmd}'`);
      return handler(message);
    })
    .then(
      (result) => send({ type: 'reply', id: message.id, ok: true, result }),
      (error) => send({ type: 'reply', id: message.id, ok: false, error: String(error?.stack ?? error) }),
    );
});
// The parent is gone: nothing left to serve.
process.on('disconnect', () => process.exit(0));
send({ type: 'listening', origin: origin.origin, pid: process.pid });
