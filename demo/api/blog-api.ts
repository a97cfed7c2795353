/**
 * The blog's JSON API as a Vite plugin: middleware in `vite` (dev) and `vite preview`, on
 * loopback only, over the SQLite database in ./db.ts. Every response says what it cost the
 * database in `Server-Timing: db;desc="N queries";dur=MS` (and `X-Queries: N`), so the page
 * can show it and a response answered by the worker's cache (with `Age`) is known to cost 0.
 *
 * It also mounts Cachette's invalidation hub at `/cachette/events`: each mutation publishes
 * what it made stale (../app/stale.ts), as Django's `post_save` receivers would, so a change
 * made in one browser reaches the caches of every other one. A user's personal data goes to
 * that user's connections only.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Connect, Plugin } from 'vite';
import { createInvalidationHub, type BrokerOption, type PushedTarget } from '../../src/server/index.js';
import { articlesStale, authorGoneStale, authorsStale, mineStale } from '../app/stale.js';
import { BlogDb, type QueryLog } from './db.js';

export interface BlogApiOptions {
  /** Artificial latency per SQL query in ms; default `DEMO_QUERY_MS` from the environment, else 10. */
  queryMs?: number;
  /**
   * A file for the database, so that API processes started on the same file share one blog;
   * default `DEMO_DB_FILE` from the environment, else the database lives in memory.
   */
  dbFile?: string;
  /**
   * The invalidation hub's broker: `'memory'` (one process) or `{ redis: url }` (processes
   * sharing one Redis); default `{ redis: CACHETTE_REDIS_URL }` when that is set, else `'memory'`.
   */
  broker?: BrokerOption;
}

/** What reached the API since it started: for tests and the measuring script. */
export interface ApiStats {
  requests: number;
  queries: number;
  byPath: Record<string, number>;
}

const USERNAME = /^[a-z][a-z0-9_]{1,29}$/;
const HUB_PATH = '/cachette/events';

/**
 * Tells the browsers what a change made stale: every one, or one user's; and the response to
 * the change, so the browser that made it applies it before reading the response. Never rejects.
 */
type Publish = (target: PushedTarget, res: ServerResponse, user?: string) => Promise<void>;
/** How long a change's response waits for its publishes: a broker that is down must not hold it. */
const PUBLISH_WAIT_MS = 250;

/**
 * @example
 * export default defineConfig({ plugins: [blogApi({ queryMs: 10 })] });
 * // GET /api/authors/count → { count: 18 }, Server-Timing: db;desc="1 queries";dur=10.4
 */
export function blogApi(options: BlogApiOptions = {}): Plugin {
  const fromEnv = Number(process.env.DEMO_QUERY_MS);
  const queryMs = options.queryMs ?? (Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv : 10);
  let opening: Promise<BlogDb> | undefined;
  const stats: ApiStats = { requests: 0, queries: 0, byPath: {} };
  const file = options.dbFile ?? (process.env.DEMO_DB_FILE || undefined);
  const database = (): Promise<BlogDb> => (opening ??= BlogDb.open({ queryMs, file }));
  const redis = process.env.CACHETTE_REDIS_URL;
  // Opens nothing (no Redis connection) until the first browser connects or a change is published.
  const hub = createInvalidationHub({
    broker: options.broker ?? (redis ? { redis } : 'memory'),
    path: HUB_PATH,
    // Who a connection belongs to, from the demo's session cookie: anonymous visitors connect too.
    audience: (req) => audienceOf(cookie(req, 'demo_user')),
  });
  const publish: Publish = (target, res, user) =>
    // The change is made: a publish that fails is reported, never fails the response.
    hub.publish(target, { response: res, ...(user === undefined ? {} : { audience: audienceOf(user) }) }).then(
      () => {},
      (error: unknown) => {
        console.error(`demo: could not publish ${JSON.stringify(target)}: ${error instanceof Error ? error.message : String(error)}`);
      },
    );

  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const toHub = url.pathname === HUB_PATH;
    if (!toHub && !url.pathname.startsWith('/api/')) return next();
    if (!isLoopback(req.socket.remoteAddress)) {
      res.statusCode = 403;
      res.end('the demo API answers loopback only');
      return;
    }
    if (toHub) {
      hub.handler(req, res, next).catch(next);
      return;
    }
    handle(req, res, url, database, stats, publish).catch((error: unknown) => {
      if (!res.headersSent) res.statusCode = 500;
      res.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    });
  };
  const closeWith = (httpServer: { once(event: 'close', listener: () => void): unknown } | null): void => {
    httpServer?.once('close', () => {
      void hub.close();
      void opening?.then((db) => db.close());
    });
  };

  return {
    name: 'demo:blog-api',
    configureServer(server) {
      server.middlewares.use(middleware);
      closeWith(server.httpServer);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
      closeWith(server.httpServer);
    },
  };
}

/** A connection's audience and a personal event's: the signed-in user, else `anonymous`. */
function audienceOf(user: string | undefined): string {
  return user !== undefined && USERNAME.test(user) ? `user:${user}` : 'anonymous';
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  database: () => Promise<BlogDb>,
  stats: ApiStats,
  publishFor: Publish,
): Promise<void> {
  const published: Promise<void>[] = [];
  const publish = (target: PushedTarget, user?: string): void => {
    published.push(publishFor(target, res, user));
  };
  const path = url.pathname;
  const method = req.method ?? 'GET';
  if (path === '/api/_stats') {
    // Not counted, never cached: what the tests and the measuring script read.
    res.setHeader('Cache-Control', 'no-store');
    if (method === 'POST') Object.assign(stats, { requests: 0, queries: 0, byPath: {} });
    return send(res, 200, stats);
  }
  const db = await database();
  const log: QueryLog = { queries: 0, ms: 0 };
  const user = cookie(req, 'demo_user');
  const body = method === 'POST' ? await readJson(req) : {};
  let status = 200;
  let payload: unknown;
  let author: RegExpMatchArray | null;

  if (method === 'GET' && path === '/api/authors/count') {
    payload = { count: await db.countAuthors(log) };
  } else if (method === 'GET' && path === '/api/authors/top') {
    payload = { authors: await db.topAuthors(log) };
  } else if (method === 'GET' && path === '/api/articles') {
    const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
    payload = { page, articles: await db.articles(log, { page }) };
  } else if (method === 'GET' && path === '/api/me/articles') {
    // The signed-in user's page: one entry per session in the worker, never another user's.
    res.setHeader('Vary', 'Cookie');
    if (user === undefined || !USERNAME.test(user)) payload = { user: null, articles: [] };
    else payload = { user, articles: await db.articles(log, { author: user, perPage: 10 }) };
  } else if (method === 'POST' && path === '/api/authors') {
    const { username, bio } = body as { username?: unknown; bio?: unknown };
    if (typeof username !== 'string' || !USERNAME.test(username)) {
      status = 400;
      payload = { error: 'username: 2 to 30 lowercase letters, digits or _, starting with a letter' };
    } else if (await db.createAuthor(log, { username, email: `${username}@blog.example`, bio: typeof bio === 'string' ? bio.slice(0, 200) : '' })) {
      status = 201;
      payload = { username };
      publish(authorsStale);
    } else {
      status = 409;
      payload = { error: `the author ${username} exists` };
    }
  } else if (method === 'POST' && path === '/api/articles') {
    const { title, tags } = body as { title?: unknown; tags?: unknown };
    const tagList = Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string').slice(0, 5) : [];
    if (user === undefined) {
      status = 403;
      payload = { error: 'sign in (pick a user) to publish' };
    } else if (typeof title !== 'string' || title.trim() === '') {
      status = 400;
      payload = { error: 'title: required' };
    } else {
      const id = await db.publish(log, user, title.trim().slice(0, 120), tagList);
      if (id === undefined) {
        status = 404;
        payload = { error: `no author ${user}` };
      } else {
        status = 201;
        payload = { id };
        publish(articlesStale);
        publish(mineStale, user);
      }
    }
  } else if ((author = path.match(/^\/api\/authors\/([^/]+)$/))) {
    const username = decodeURIComponent(author[1] ?? '');
    if (method === 'GET') {
      const found = await db.author(log, username);
      if (!found) {
        status = 404;
        payload = { error: `no author ${username}` };
      } else {
        const hasArticles = await db.hasArticles(log, username);
        payload = { author: found, hasArticles, articles: hasArticles ? await db.articles(log, { author: username, perPage: 50 }) : [] };
      }
    } else if (method === 'DELETE') {
      if (await db.deleteAuthor(log, username)) {
        payload = { deleted: username };
        publish(authorGoneStale);
        publish(mineStale, username);
      } else {
        status = 404;
        payload = { error: `no author ${username}` };
      }
    } else {
      status = 405;
      payload = { error: `${method} is not allowed here` };
    }
  } else {
    status = 404;
    payload = { error: `no API at ${method} ${path}` };
  }

  // Published events go in the response's Cachette-Invalidated header if they are quick; a slow broker only delays the push.
  if (published.length) await Promise.race([Promise.all(published), new Promise((resolve) => setTimeout(resolve, PUBLISH_WAIT_MS))]);
  stats.requests += 1;
  stats.queries += log.queries;
  const key = `${method} ${path}`;
  stats.byPath[key] = (stats.byPath[key] ?? 0) + 1;
  res.setHeader('Server-Timing', `db;desc="${log.queries} queries";dur=${log.ms.toFixed(1)}`);
  res.setHeader('X-Queries', String(log.queries));
  if (method === 'GET' && status === 200) {
    // As a cache-friendly Django API answers: @cache_control(max_age=60) on the shared views
    // (the browser's HTTP cache keeps them too), and ConditionalGetMiddleware's ETag and 304.
    const personal = /cookie/i.test(String(res.getHeader('Vary') ?? ''));
    if (!personal) res.setHeader('Cache-Control', 'max-age=60');
    const etag = `"${createHash('sha1').update(JSON.stringify(payload)).digest('base64url')}"`;
    res.setHeader('ETag', etag);
    if (req.headers['if-none-match'] === etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
  }
  send(res, status, payload);
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(payload));
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('=')) || undefined;
  }
  return undefined;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 64 * 1024) throw new Error('request body too large');
  }
  try {
    return text ? (JSON.parse(text) as unknown) : {};
  } catch {
    return {};
  }
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1' || (address?.startsWith('127.') ?? false);
}
