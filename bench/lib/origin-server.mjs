// One origin of the fetch benchmarks: a server on its own 127.0.0.1 port that serves the
// frame page (static files from `root`), one service worker script at /sw.js (or none),
// and the data responses the frame fetches, counting how many reached it per path.
//
// Every response is cross-origin isolated (COOP/COEP) and embeddable by the coordinating
// page on another port: CORP `cross-origin` (Chromium 156 blocks the frame's navigation
// with `same-site` here, ERR_BLOCKED_BY_RESPONSE, though the ports share a site). /__hits
// answers with CORS so the coordinating page reads it.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

/**
 * Starts one origin; resolves once listening.
 * @param {{ root: string, worker?: string, bodies: Record<string, Buffer>, delayMs?: number }} options
 *   `bodies`: path → body, served as `application/json` with no caching headers (the data
 *   is fresh only as long as a worker says so; the browser's HTTP cache keeps none of it),
 *   each after `delayMs` (default 0: a slow origin or database when set).
 * @returns {Promise<{ origin: string, hits: () => Record<string, number>, close: () => Promise<void> }>}
 */
export async function startOrigin(options) {
  const handler = originHandler(options);
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    handler.serve(req, res, pathname).catch((error) => {
      if (!res.headersSent) res.writeHead(500, ISOLATION);
      res.end(String(error));
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    /** A copy of the per-path counts of data requests that reached this server. */
    hits: handler.hits,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * What one origin answers, for a path already stripped of any mount prefix.
 * @param {{ root: string, worker?: string, bodies: Record<string, Buffer>, delayMs?: number }} options
 */
function originHandler({ root, worker, bodies, delayMs = 0 }) {
  const hits = Object.fromEntries(Object.keys(bodies).map((path) => [path, 0]));

  async function serve(req, res, pathname) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, ISOLATION).end();
      return;
    }
    const body = bodies[pathname];
    if (body) {
      hits[pathname] += 1;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      res.writeHead(200, { ...ISOLATION, 'Content-Type': 'application/json' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (pathname === '/__hits') {
      res.writeHead(200, { ...ISOLATION, 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' });
      res.end(JSON.stringify(hits));
      return;
    }
    if (pathname === '/sw.js' && worker !== undefined) {
      res.writeHead(200, { ...ISOLATION, 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : worker);
      return;
    }
    const path = normalize(join(root, decodeURIComponent(pathname)));
    if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) {
      res.writeHead(403, ISOLATION).end();
      return;
    }
    let file;
    try {
      file = await readFile(path);
    } catch {
      res.writeHead(404, { ...ISOLATION, 'Cache-Control': 'no-store' }).end();
      return;
    }
    res.writeHead(200, { ...ISOLATION, 'Cache-Control': 'no-store', 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : file);
  }

  return {
    serve,
    /** A copy of the per-path counts of data requests that reached this origin. */
    hits: () => ({ ...hits }),
  };
}
