// The loopback origin of the push benchmarks (push-latency, push-fanout): the tab page
// (bench/page/push-tab.js, served as is, importing the built package from /dist/ with an
// import map for `idb`), one invalidation hub per broker at /hub/<broker>/events, a bare
// SSE endpoint at /raw/events (a reference for the hub's memory per connection), /clock
// (this process's `timeOrigin + now()`, for the tabs' clock-offset pings) and POST /__report.
//
// Every page response is cross-origin isolated (COOP/COEP), so the tabs' performance.now()
// steps by 5 µs, not 100 µs. Each SSE request is counted by who sent it: a tab (its fetch
// adds `X-Bench-Tab`, see push-tab.js), a Node client (`?client=node`), or anything else.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBody } from './server.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TAB_SCRIPT = fileURLToPath(new URL('../page/push-tab.js', import.meta.url));
const STATIC = [
  ['/dist/', join(REPO, 'dist')],
  ['/node_modules/idb/', join(REPO, 'node_modules/idb')],
];
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json' };
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};
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

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, ISOLATION);
      res.end(String(error));
    });
  });

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const { pathname } = url;
    const hubName = /^\/hub\/([\w-]+)\/events$/.exec(pathname)?.[1];
    if (hubName !== undefined && hubs[hubName]) {
      const counts = sse[hubName];
      const tab = req.headers['x-bench-tab'];
      if (url.searchParams.get('catchup') === '1') counts.catchup += 1;
      else if (typeof tab === 'string') {
        counts.browser += 1;
        counts.tabs[tab] = (counts.tabs[tab] ?? 0) + 1;
      } else if (url.searchParams.get('client') === 'node') counts.node += 1;
      else counts.other += 1;
      await hubs[hubName].handler(req, res);
      return;
    }
    if (pathname === '/raw/events') {
      // What any SSE endpoint costs: headers written, the response held open.
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write('event: ready\ndata: \n\n');
      raw.add(res);
      res.once('close', () => raw.delete(res));
      return;
    }
    if (pathname === '/clock') {
      res.writeHead(200, { ...ISOLATION, 'Content-Type': 'text/plain' });
      res.end(String(wallNow()));
      return;
    }
    if (req.method === 'POST' && pathname === '/__report') {
      const body = await readBody(req);
      res.writeHead(204, ISOLATION).end();
      try {
        onReport(JSON.parse(body));
      } catch (error) {
        onReport({ ok: false, error: `a tab sent a report that is not JSON: ${error.message}` });
      }
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, ISOLATION).end();
      return;
    }
    if (pathname === '/' || pathname === '/tab.html') {
      res.writeHead(200, { ...ISOLATION, 'Content-Type': TYPES['.html'] }).end(PAGE);
      return;
    }
    let file;
    if (pathname === '/push-tab.js') file = TAB_SCRIPT;
    for (const [prefix, dir] of STATIC) {
      if (file || !pathname.startsWith(prefix)) continue;
      const path = normalize(join(dir, decodeURIComponent(pathname.slice(prefix.length))));
      if (path.startsWith(dir + sep)) file = path;
    }
    let body;
    try {
      if (!file) throw new Error('not found');
      body = await readFile(file);
    } catch {
      res.writeHead(404, ISOLATION).end();
      return;
    }
    res.writeHead(200, { ...ISOLATION, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, resolve);
  });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    /** A copy of the SSE request counts per hub. */
    sseRequests: () => structuredClone(sse),
    /** Open /raw/events responses. */
    rawConnections: () => raw.size,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
