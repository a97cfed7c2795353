// The loopback origin of the push benchmarks (push-latency, push-fanout): the tab page
// (bench/page/push-tab.js, served as is, importing the built package from /dist/ with an
// import map for `idb`), one invalidation hub per broker at /hub/<broker>/events, a bare
// SSE endpoint at /raw/events (a reference for the hub's memory per connection), /clock
// (this process's `timeOrigin + now()`, for the tabs' clock-offset pings) and POST /__report.
//
// Every page response is cross-origin isolated (COOP/COEP), so the tabs' performance.now()
// steps by 5 µs, not 100 µs. Each SSE request is counted by who sent it: a tab (its fetch
// adds `X-Bench-Tab`, see push-tab.js), a Node client (`?client=node`), or anything else.
// All of it is routes and mounts on the benchmarks' one server (bench/lib/server.mjs).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendBody, startServer } from './server.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const NO_STORE = { 'Cache-Control': 'no-store' };
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cachette bench: push</title><link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "idb": "/node_modules/idb/build/index.js" } }</script>
</head><body><p id="status">connecting…</p><script type="module" src="/push-tab.js"></script></body></html>
`;

/**
 * The options of the hub for `broker` ('memory' or 'redis') on a push origin.
 * @param {string} broker
 * @param {{ redisUrl?: string, stream?: string }} [options]
 */
export function hubOptions(broker, { redisUrl, stream } = {}) {
  const path = `/hub/${broker}/events`;
  if (broker === 'memory') return { broker: 'memory', path };
  if (broker === 'redis') return { broker: { redis: redisUrl }, path, ...(stream ? { stream } : {}) };
  throw new Error(`unknown broker '${broker}'; accepted: memory, redis`);
}

/** This process's clock as the tabs compare theirs with it: ms since the epoch, sub-ms. */
export const wallNow = () => performance.timeOrigin + performance.now();

/**
 * Starts the origin on 127.0.0.1; resolves once listening. Each hub must have been created
 * with `path: '/hub/<its name>/events'` (see `hubOptions`).
 * @param {{ hubs: Record<string, { handler: Function }>, onReport: (report: unknown) => void }} options
 */
export async function startPushOrigin({ hubs, onReport }) {
  /** SSE requests per hub: from tabs (by tab), from Node clients, other, and catch-ups. */
  const sse = Object.fromEntries(Object.keys(hubs).map((name) => [name, { tabs: {}, browser: 0, node: 0, other: 0, catchup: 0 }]));
  const raw = new Set();
  const routes = {
    '/raw/events': (req, res) => {
      // What any SSE endpoint costs: headers written, the response held open.
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write('event: ready\ndata: \n\n');
      raw.add(res);
      res.once('close', () => raw.delete(res));
    },
    '/clock': sendBody(() => String(wallNow()), { ...NO_STORE, 'Content-Type': 'text/plain' }),
    '/': sendBody(PAGE, { ...NO_STORE, 'Content-Type': 'text/html; charset=utf-8' }),
    '/tab.html': sendBody(PAGE, { ...NO_STORE, 'Content-Type': 'text/html; charset=utf-8' }),
  };
  for (const [name, hub] of Object.entries(hubs)) {
    routes[`/hub/${name}/events`] = (req, res, url) => {
      const counts = sse[name];
      const tab = req.headers['x-bench-tab'];
      if (url.searchParams.get('catchup') === '1') counts.catchup += 1;
      else if (typeof tab === 'string') {
        counts.browser += 1;
        counts.tabs[tab] = (counts.tabs[tab] ?? 0) + 1;
      } else if (url.searchParams.get('client') === 'node') counts.node += 1;
      else counts.other += 1;
      return hub.handler(req, res);
    };
  }
  const mounts = {
    '/push-tab.js': fileURLToPath(new URL('../page/push-tab.js', import.meta.url)),
    '/dist/': join(REPO, 'dist'),
    '/node_modules/idb/': join(REPO, 'node_modules/idb'),
  };
  const server = await startServer({ mounts, routes, onReport, backlog: 2048 });
  return {
    origin: server.origin,
    /** A copy of the SSE request counts per hub. */
    sseRequests: () => structuredClone(sse),
    /** Open /raw/events responses. */
    rawConnections: () => raw.size,
    close: server.close,
  };
}
