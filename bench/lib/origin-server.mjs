// One origin of the fetch benchmarks: a server on its own 127.0.0.1 port that serves the
// frame page (static files from `root`), one service worker script at /sw.js (or none),
// and the data responses the frame fetches, counting how many reached it per path.
//
// Every response is cross-origin isolated (COOP/COEP) and embeddable by the other bench
// origins, which are the same site (127.0.0.1; ports do not make another site): CORP
// `same-site`. /__hits answers with CORS so the coordinating page (another origin) reads it.
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
 * @param {{ root: string, worker?: string, bodies: Record<string, Buffer> }} options
 *   `bodies`: path → body, served as `application/json` with no caching headers (the data
 *   is fresh only as long as a worker says so; the browser's HTTP cache keeps none of it).
 * @returns {Promise<{ origin: string, hits: () => Record<string, number>, close: () => Promise<void> }>}
 */
export async function startOrigin({ root, worker, bodies }) {
  const hits = Object.fromEntries(Object.keys(bodies).map((path) => [path, 0]));
  const server = createServer((req, res) => {
    serve(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, ISOLATION);
      res.end(String(error));
    });
  });

  async function serve(req, res) {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, ISOLATION).end();
      return;
    }
    const body = bodies[pathname];
    if (body) {
      hits[pathname] += 1;
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

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    /** A copy of the per-path counts of data requests that reached this server. */
    hits: () => ({ ...hits }),
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
