// A tiny static server for benchmark pages on 127.0.0.1 (random port). Every response
// carries COOP/COEP so pages are cross-origin isolated: without it Chromium coarsens
// performance.now() to 100 µs, too coarse for sub-millisecond reads (5 µs with it).
// Pages send their results back with POST /__report (driver-independent: it works the
// same whether Playwright or a bare Chromium loaded the page).
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

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

const MAX_REPORT_BYTES = 20 * 1024 * 1024;

/**
 * Serves `root`; resolves once listening.
 * @returns {Promise<{ origin: string, nextReport: (timeoutMs: number) => Promise<unknown>, close: () => Promise<void> }>}
 */
export async function startServer(root) {
  const reports = [];
  const waiters = [];
  const deliver = (report) => {
    const waiter = waiters.shift();
    if (waiter) waiter(report);
    else reports.push(report);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, ISOLATION_HEADERS);
      res.end(String(error));
    });
  });

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/__report') {
      const body = await readBody(req);
      res.writeHead(204, ISOLATION_HEADERS).end();
      try {
        deliver(JSON.parse(body));
      } catch (error) {
        deliver({ error: `the page sent a report that is not JSON: ${error.message}` });
      }
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, ISOLATION_HEADERS).end();
      return;
    }
    const path = normalize(join(root, decodeURIComponent(url.pathname).replace(/\/$/, '/index.html')));
    if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) {
      res.writeHead(403, ISOLATION_HEADERS).end();
      return;
    }
    let body;
    try {
      body = await readFile(path);
    } catch {
      res.writeHead(404, ISOLATION_HEADERS).end();
      return;
    }
    res.writeHead(200, { ...ISOLATION_HEADERS, 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();

  return {
    origin: `http://127.0.0.1:${port}`,
    /** The next report a page POSTs, or a rejection after `timeoutMs`. */
    nextReport(timeoutMs) {
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
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A request's body as text (at most 20 MB: a page's report). Shared by the benchmark servers. */
export async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_REPORT_BYTES) throw new Error('report too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
