// The one HTTP server of the benchmarks, on 127.0.0.1 (random port): static files from
// mounted directories, exact-path routes a benchmark adds (data bodies, a service worker,
// SSE hubs, a clock), and POST /__report, where pages send their results (driver-
// independent: it works the same whether Playwright or a bare Chromium loaded the page).
//
// Every response the server writes itself is cross-origin isolated (COOP/COEP): without it
// Chromium coarsens performance.now() to 100 µs, too coarse for sub-millisecond reads (5 µs
// with it). `corp: 'cross-origin'` lets a coordinating page on another port embed this one
// (Chromium 156 blocks the frame's navigation with `same-site` here, ERR_BLOCKED_BY_RESPONSE,
// though the ports share a site).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};
const MAX_REPORT_BYTES = 20 * 1024 * 1024;

/** The isolation headers for a response of this server (`corp`: its Cross-Origin-Resource-Policy). */
export const isolation = (corp = 'same-origin') => ({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': corp,
});

/**
 * Starts a server; resolves once listening.
 * @param {{ mounts?: Record<string, string>, routes?: Record<string, (req, res, url: URL) => unknown>,
 *   corp?: string, backlog?: number, onReport?: (report: unknown) => void }} options
 *   `mounts`: URL prefix ('/', '/dist/') → directory, or → one file; `routes`: path → handler,
 *   which writes its own headers (`isolation(corp)` for a page's, see `sendBody`). Reports go to
 *   `onReport` when given, else to `nextReport`'s queue.
 * @returns {Promise<{ origin: string, nextReport: (timeoutMs: number) => Promise<any>, close: () => Promise<void> }>}
 */
export async function startServer({ mounts = {}, routes = {}, corp = 'same-origin', backlog = 511, onReport } = {}) {
  const headers = { ...isolation(corp), 'Cache-Control': 'no-store' };
  const queue = createReportQueue();
  const report = onReport ?? queue.push;

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
    if (route) return route(req, res, url);
    if (req.method === 'POST' && url.pathname === '/__report') {
      const body = await readBody(req);
      res.writeHead(204, headers).end();
      try {
        report(JSON.parse(body));
      } catch (error) {
        report({ ok: false, error: `the page sent a report that is not JSON: ${error.message}` });
      }
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, headers).end();
    const path = resolveFile(url.pathname, mounts);
    let body;
    try {
      if (path === null) throw new Error('outside every mount');
      body = await readFile(path);
    } catch {
      return void res.writeHead(404, headers).end();
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, headers);
      res.end(String(error));
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', backlog }, resolve);
  });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    /** The next report a page POSTs, or a rejection after `timeoutMs`. */
    nextReport: queue.next,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A route answering `body` (or what `body()` returns, at each request) with the isolation headers, then `headers`. */
export const sendBody = (body, headers, corp = 'same-origin') => (req, res) => {
  res.writeHead(200, { ...isolation(corp), ...headers });
  res.end(req.method === 'HEAD' ? undefined : typeof body === 'function' ? body() : body);
};

/**
 * One origin of the fetch benchmarks (a server on its own port): the frame page (static files
 * from `root`), a service worker script at /sw.js (when `worker` is given), and `bodies`
 * (path → body), served as `application/json` with no caching headers (the data is fresh
 * only as long as a worker says so; the browser's HTTP cache keeps none of it), each after
 * `delayMs` (a slow origin when set), counting the requests that reached it per path.
 * `headers` are added to the bodies' responses (`Cache-Control` for a worker that obeys HTTP's rules).
 * /__hits answers those counts with CORS, so the coordinating page reads them.
 * @param {{ root: string, worker?: string, bodies: Record<string, Buffer>, delayMs?: number, headers?: Record<string, string> }} options
 */
export async function startOrigin({ root, worker, bodies, delayMs = 0, headers = {} }) {
  const corp = 'cross-origin';
  const hits = Object.fromEntries(Object.keys(bodies).map((path) => [path, 0]));
  const routes = Object.fromEntries(
    Object.entries(bodies).map(([path, body]) => [
      path,
      async (req, res) => {
        if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, isolation(corp)).end();
        hits[path] += 1;
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        sendBody(body, { 'Content-Type': 'application/json', ...headers }, corp)(req, res);
      },
    ]),
  );
  routes['/__hits'] = sendBody(() => JSON.stringify(hits), { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' }, corp);
  if (worker !== undefined) routes['/sw.js'] = sendBody(worker, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' }, corp);
  const server = await startServer({ mounts: { '/': root }, routes, corp });
  /** A copy of the per-path counts of data requests that reached this origin. */
  return { ...server, hits: () => ({ ...hits }) };
}

/** The file `pathname` names under the longest matching mount, or null (outside them all). */
function resolveFile(pathname, mounts) {
  if (Object.hasOwn(mounts, pathname) && !pathname.endsWith('/')) return mounts[pathname];
  const prefix = Object.keys(mounts)
    .filter((p) => pathname.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  if (prefix === undefined) return null;
  const dir = mounts[prefix];
  const path = normalize(join(dir, decodeURIComponent(pathname.slice(prefix.length)).replace(/(^|\/)$/, '$1index.html')));
  return path.startsWith(dir.endsWith(sep) ? dir : dir + sep) ? path : null;
}

/** A FIFO of the reports pages send, with a timeout per wait. */
export function createReportQueue() {
  const reports = [];
  const waiters = [];
  return {
    push(report) {
      const waiter = waiters.shift();
      if (waiter) waiter(report);
      else reports.push(report);
    },
    next(timeoutMs) {
      if (reports.length) return Promise.resolve(reports.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(done), 1);
          reject(new Error(`no report from the page within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        const done = (report) => {
          clearTimeout(timer);
          resolve(report);
        };
        waiters.push(done);
      });
    },
  };
}

/** A request's body as text (at most 20 MB: a page's report). */
async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_REPORT_BYTES) throw new Error('report too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
