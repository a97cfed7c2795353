/**
 * A loopback HTTP server for the real-Chromium tests: routes defined per test, static
 * directories, and a count of every request (`METHOD path?query`) so a test can tell what
 * reached the network and what a worker answered from its cache.
 *
 * @example
 * const server = await startServer();
 * server.static('/', dir);
 * server.route('GET', '/api/posts', () => json([{ id: 1 }], { headers: { 'Cache-Control': 'max-age=60' } }));
 * await page.goto(server.url('/'));
 * expect(server.hits('GET /api/posts')).toBe(1);
 * await server.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

/** What a route answers; every field optional (default: 200, empty body). */
export interface Reply {
  status?: number;
  headers?: Record<string, string | number | string[]>;
  /** A string or bytes as is; anything else is sent as JSON. */
  body?: unknown;
  /** Milliseconds to wait before answering (a slow network or database). */
  delay?: number;
  /** `Set-Cookie` values. */
  setCookie?: string | string[];
  /** The `Vary` header. */
  vary?: string;
}

/** The request as a route sees it, with its body read and its URL parsed. */
export interface TestRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
  /** The raw objects, for a route that writes the response itself (then return nothing). */
  req: IncomingMessage;
  res: ServerResponse;
}

/** A route: a fixed reply, or a function of the request (return nothing if you wrote `res`). */
export type Route = Reply | ((request: TestRequest) => Reply | void | Promise<Reply | void>);

/** One request, as it reached the server. */
export interface LoggedRequest {
  /** `METHOD path?query`, e.g. `GET /api/posts?page=2`. */
  key: string;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  time: number;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The absolute URL of `path` on this server. */
  url(path?: string): string;
  /** Defines (or replaces) the route for `method` (`'*'`: any) and an exact pathname; returns its removal. */
  route(method: string, path: string, route: Route): () => void;
  /** Serves the files under `dir` at `prefix` (e.g. `'/'`, `'/dist/'`); later mounts win. */
  static(prefix: string, dir: string, headers?: Record<string, string>): void;
  /**
   * Requests seen since the last reset: `hits('GET /a?b=1')` counts that exact key,
   * `hits('/a?b=1')` that path and query with any method, `hits()` all of them.
   */
  hits(pathOrKey?: string): number;
  /** The requests seen since the last reset, oldest first (at most the last 10 000). */
  readonly requests: readonly LoggedRequest[];
  resetHits(): void;
  /** Stops listening, drops open connections and pending delayed replies. */
  close(): Promise<void>;
}

/** A JSON reply. @example json({ id: 1 }, { headers: { 'Cache-Control': 'max-age=60' } }) */
export function json(value: unknown, init: Omit<Reply, 'body'> = {}): Reply {
  return { ...init, body: JSON.stringify(value), headers: { 'Content-Type': 'application/json', ...init.headers } };
}

/** A text reply. @example text('<p>hi</p>', { headers: { 'Content-Type': 'text/html' } }) */
export function text(body: string, init: Omit<Reply, 'body'> = {}): Reply {
  return { ...init, body, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...init.headers } };
}

const MAX_LOG = 10_000;
const MAX_BODY = 10 * 1024 * 1024;
const MAX_DELAY = 30_000;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Starts a server on 127.0.0.1 (a random free port). `fallback`, if given, answers what no
 * route and no static file does (instead of a 404).
 */
export async function startServer(fallback?: Route): Promise<TestServer> {
  const routes = new Map<string, Route>();
  const mounts: { prefix: string; dir: string; headers: Record<string, string> }[] = [];
  let log: LoggedRequest[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let closed = false;

  const wait = (ms: number): Promise<void> =>
    new Promise((done) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        done();
      }, Math.min(Math.max(0, ms), MAX_DELAY));
      timers.add(timer);
    });

  async function serveStatic(pathname: string, ifNoneMatch: string | undefined): Promise<Reply | undefined> {
    for (const { prefix, dir, headers } of [...mounts].reverse()) {
      if (!pathname.startsWith(prefix)) continue;
      let rel = decodeURIComponent(pathname.slice(prefix.length));
      if (rel === '' || rel.endsWith('/')) rel += 'index.html';
      const root = resolve(dir);
      const file = resolve(join(root, rel));
      if (file !== root && !file.startsWith(root + sep)) return { status: 403 };
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) continue;
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      // As a static file server answers: validators (so Chromium's HTTP cache keeps the file and
      // revalidates it, heuristically fresh for a tenth of its age) and a 304 when they match.
      const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
      const validators = { ETag: etag, 'Last-Modified': info.mtime.toUTCString() };
      if (ifNoneMatch === etag) return { status: 304, headers: { ...validators, ...headers } };
      return { body: await readFile(file), headers: { 'Content-Type': type, ...validators, ...headers } };
    }
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const key = `${method} ${url.pathname}${url.search}`;
    log.push({ key, method, path: `${url.pathname}${url.search}`, headers: req.headers, time: Date.now() });
    if (log.length > MAX_LOG) log = log.slice(-MAX_LOG);

    const body = await readBody(req);
    const route = routes.get(`${method} ${url.pathname}`) ?? routes.get(`* ${url.pathname}`);
    const request: TestRequest = { method, url, headers: req.headers, body, req, res };
    let reply: Reply | void;
    if (route !== undefined) {
      reply = typeof route === 'function' ? await route(request) : route;
    } else {
      const file = method === 'GET' || method === 'HEAD' ? await serveStatic(url.pathname, req.headers['if-none-match']) : undefined;
      if (file !== undefined) reply = file;
      else if (fallback === undefined) reply = { status: method === 'GET' || method === 'HEAD' ? 404 : 405 };
      else reply = typeof fallback === 'function' ? await fallback(request) : fallback;
    }
    if (reply === undefined) {
      // The handler wrote the response itself; if it wrote nothing, do not leave the browser hanging.
      if (!res.writableEnded && !res.headersSent) res.writeHead(500).end('route returned nothing and wrote nothing');
      return;
    }
    if (reply.delay) await wait(reply.delay);
    if (closed || res.writableEnded) return;
    const headers: Record<string, string | number | string[]> = { ...reply.headers };
    if (reply.setCookie !== undefined) headers['Set-Cookie'] = reply.setCookie;
    if (reply.vary !== undefined) headers.Vary = reply.vary;
    const payload =
      reply.body === undefined
        ? undefined
        : typeof reply.body === 'string' || reply.body instanceof Uint8Array
          ? reply.body
          : JSON.stringify(reply.body);
    if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['Content-Type'] =
        typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : reply.body instanceof Uint8Array ? 'application/octet-stream' : 'application/json';
    }
    res.writeHead(reply.status ?? 200, headers);
    res.end(method === 'HEAD' ? undefined : payload);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      if (!res.writableEnded) res.end(`test server: ${error instanceof Error ? error.stack : String(error)}`);
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    url: (path = '/') => new URL(path, origin).href,
    route(method, path, route) {
      const key = `${method.toUpperCase()} ${path}`;
      routes.set(key, route);
      return () => {
        if (routes.get(key) === route) routes.delete(key);
      };
    },
    static(prefix, dir, headers = {}) {
      mounts.push({ prefix: prefix.endsWith('/') ? prefix : `${prefix}/`, dir, headers });
    },
    hits(pathOrKey) {
      if (pathOrKey === undefined) return log.length;
      const byKey = /^[A-Z]+ /.test(pathOrKey);
      return log.filter((r) => (byKey ? r.key : r.path) === pathOrKey).length;
    },
    get requests() {
      return log;
    },
    resetHits() {
      log = [];
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        req.destroy();
        fail(new Error(`test server: request body over ${MAX_BODY} bytes`));
      } else chunks.push(chunk);
    });
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}
