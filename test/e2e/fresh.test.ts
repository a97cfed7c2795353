/**
 * Fresh after every change, in real Chromium with its HTTP cache on, as users have it.
 *
 * The test API answers as a CDN-friendly API does (Django's `cache_control(max_age=600)`):
 * `Cache-Control: max-age=600`, an `ETag` and a `Last-Modified`, and a 304 to a matching
 * `If-None-Match`. So Chromium's HTTP cache, beneath the worker, keeps a fresh copy of
 * every response. Each test changes the data at the server, drops Cachette's entry one way
 * (routes, tags, all, an `invalidatedBy` mutation, the devtools panel's Clear all), and
 * proves that the next read reaches the server and shows the change. Pages fetch with the
 * default cache mode.
 *
 * Then the shared miss: concurrent requests for one URL cost one server hit, and the
 * request right after a miss is a hit.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, waitForController, type TestBrowser } from './support/browser.js';
import { BLANK_PAGE, buildWorker } from './support/build-worker.js';
import { startServer, type Reply, type TestRequest, type TestServer } from './support/server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const IMPORT_MAP = '<script type="importmap">{ "imports": { "idb": "/node_modules/idb/build/index.js" } }</script>';

let tmp: string;
let workerDir: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cachette-fresh-'));
  workerDir = await buildWorker(fileURLToPath(new URL('sw/fresh-worker.ts', import.meta.url)), join(tmp, 'worker'));
  await writeFile(join(workerDir, 'index.html'), BLANK_PAGE);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** What the page reads: the resource's path and its version at the server. */
interface Read {
  path: string;
  version: number;
}

describe.each(['idb', 'cache-storage'] as const)('fresh after every change, %s backend, HTTP cache on', (backend) => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  /** The data at the server: path → version; a change bumps it. */
  const versions = new Map<string, number>();
  const change = (path: string) => versions.set(path, (versions.get(path) ?? 1) + 1);

  /**
   * A resource as a cache-friendly API serves it: max-age=600 with validators, and a 304
   * when the client's validator is current. The version is read when the request arrives.
   */
  function resource(request: TestRequest, extra: Partial<Reply> = {}): Reply {
    const path = request.url.pathname;
    const version = versions.get(path) ?? 1;
    const etag = `"${path}-v${version}"`;
    const headers = {
      'Cache-Control': 'max-age=600',
      ETag: etag,
      'Last-Modified': new Date(Date.UTC(2026, 0, version)).toUTCString(),
      ...extra.headers,
    };
    if (request.headers['if-none-match'] === etag) return { ...extra, status: 304, headers, body: undefined };
    return { body: JSON.stringify({ path, version }), ...extra, headers: { 'Content-Type': 'application/json', ...headers } };
  }

  beforeAll(async () => {
    server = await startServer();
    server.static('/', workerDir);
    server.static('/dist/', join(root, 'dist'));
    server.static('/node_modules/idb/', join(root, 'node_modules/idb'));
    for (const prefix of ['/api/authors/', '/api/articles/', '/api/site/']) {
      for (const id of ['1', '2', '3', '4', '5', '6', '7', '8']) server.route('GET', prefix + id, (request) => resource(request));
    }
    // A mutation to another URL than the one it changes (the HTTP cache beneath only drops
    // the URL a mutation targets): creating an article changes its author.
    server.route('POST', '/api/authors', () => {
      change('/api/authors/7');
      return { status: 204 };
    });
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(server.url('/'));
    await page.evaluate(`navigator.serviceWorker.register('/sw.js?backend=${backend}')`);
    await waitForController(page);
    await loadLibrary(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The page-side library over the worker's stores, as `window.cachette` (and the panel as `window.devtools`). */
  async function loadLibrary(on: Page): Promise<void> {
    await on.evaluate(`Promise.all([import('/dist/index.js'), import('/dist/devtools.js')]).then(([c, d]) => {
      window.cachette = c;
      window.devtools = d;
      c.defineCaches({ default: { backend: '${backend}', location: 'fresh' }, pages: { backend: '${backend}', location: 'fresh-pages' } });
    })`);
  }

  /** A page read, with the default cache mode. */
  const read = (path: string, on: Page = page): Promise<Read> => on.evaluate((p) => fetch(p).then((r) => r.json() as Promise<Read>), path);
  const invalidate = (target: string) => page.evaluate(`window.cachette.invalidate(${target})`);

  /** Reads `path` twice (the second from the worker), changes it at the server, and checks it is still cached. */
  async function cachedThenChanged(path: string): Promise<void> {
    expect(await read(path)).toEqual({ path, version: 1 });
    expect(await read(path)).toEqual({ path, version: 1 });
    expect(server.hits(`GET ${path}`)).toBe(1);
    change(path);
    // Django's rules: until something invalidates it, the cached copy is served.
    expect((await read(path)).version).toBe(1);
    expect(server.hits(`GET ${path}`)).toBe(1);
  }

  /** The read after an invalidation reached the server and shows the change. */
  async function expectFresh(path: string): Promise<void> {
    expect(await read(path)).toEqual({ path, version: 2 });
    expect(server.hits(`GET ${path}`)).toBe(2);
    // And the fresh copy is what the worker now serves.
    expect((await read(path)).version).toBe(2);
    expect(server.hits(`GET ${path}`)).toBe(2);
  }

  it('invalidate({ routes }): the next read reaches the server, not the HTTP cache beneath', async () => {
    await cachedThenChanged('/api/authors/1');
    await invalidate(`{ routes: ['/api/authors/:id'] }`);
    await expectFresh('/api/authors/1');
  });

  it('invalidate({ tags }): the next read reaches the server', async () => {
    await cachedThenChanged('/api/authors/2');
    await invalidate(`{ tags: ['authors'] }`);
    await expectFresh('/api/authors/2');
  });

  it('invalidate({ all: true }): the next read reaches the server (a second cache alias)', async () => {
    await cachedThenChanged('/api/articles/3');
    await invalidate(`{ all: true }`);
    await expectFresh('/api/articles/3');
  });

  it('cacheSite: a per-site entry dropped by route is refetched from the server', async () => {
    await cachedThenChanged('/api/site/4');
    await invalidate(`{ routes: ['/api/site/*'] }`);
    await expectFresh('/api/site/4');
  });

  it('invalidate({ keys }) with the route’s tag: a value computed from a fetch through the worker is recomputed from the server', async () => {
    const path = '/api/authors/8';
    // The default cache mode: the URL is a worker route, whose refill revalidates past the HTTP cache.
    const compute = `window.cachette.cache.getOrSet('author-8', () => fetch('${path}').then((r) => r.json()), 600)`;
    expect(await page.evaluate(compute)).toEqual({ path, version: 1 });
    expect(await page.evaluate(compute)).toEqual({ path, version: 1 });
    expect(server.hits(`GET ${path}`)).toBe(1);
    change(path);
    await invalidate(`{ keys: ['author-8'], tags: ['authors'] }`);
    expect(await page.evaluate(compute)).toEqual({ path, version: 2 });
    expect(server.hits(`GET ${path}`)).toBe(2);
  });

  it('invalidatedBy: the read after a successful mutation through the worker reaches the server', async () => {
    expect(await read('/api/authors/7')).toEqual({ path: '/api/authors/7', version: 1 });
    expect(await read('/api/authors/7')).toEqual({ path: '/api/authors/7', version: 1 });
    const status = await page.evaluate(() => fetch('/api/authors', { method: 'POST', body: '{"author":7}' }).then((r) => r.status));
    expect(status).toBe(204);
    await expectFresh('/api/authors/7');
  });

  it('the devtools panel’s Clear all: the next read reaches the server', async () => {
    await cachedThenChanged('/api/articles/5');
    await page.evaluate(`window.unmountDevtools = window.devtools.mountDevtools({ open: true, refreshMs: 200 })`);
    try {
      const button = page.getByRole('button', { name: 'Clear all', exact: true });
      await expect.poll(() => button.isVisible(), { timeout: 5000 }).toBe(true);
      await button.click();
      // The panel clears through invalidate({ all: true }): poll until the worker's entry is gone.
      await expect
        .poll(() => page.evaluate(`window.cachette.getCache('pages').store.list(Date.now()).then((l) => l.length)`), { timeout: 5000 })
        .toBe(0);
    } finally {
      await page.evaluate(`window.unmountDevtools()`);
    }
    await expectFresh('/api/articles/5');
  });

  it('a navigation dropped by route is refetched from the server', async () => {
    const html = (version: number) => `<!doctype html><html><head>${IMPORT_MAP}</head><body><h1>v${version}</h1></body></html>`;
    server.route('GET', '/pages/home', (request) => {
      const reply = resource(request);
      if (reply.status === 304) return reply;
      return { ...reply, body: html(versions.get('/pages/home') ?? 1), headers: { ...reply.headers, 'Content-Type': 'text/html; charset=utf-8' } };
    });
    const tab = await browser.newPage();
    try {
      await tab.goto(server.url('/pages/home'));
      await tab.goto(server.url('/pages/home'));
      expect(await tab.locator('h1').textContent()).toBe('v1');
      expect(server.hits('GET /pages/home')).toBe(1);
      change('/pages/home');
      await loadLibrary(tab);
      await tab.evaluate(`window.cachette.invalidate({ routes: ['/pages/*'] })`);
      await tab.goto(server.url('/pages/home'));
      expect(await tab.locator('h1').textContent()).toBe('v2');
      expect(server.hits('GET /pages/home')).toBe(2);
    } finally {
      await tab.close();
    }
  });

  /**
   * A resource with a validator but no freshness (Django's default response, which
   * `cacheSite` and the routes still store): Chromium's HTTP cache must revalidate each use,
   * so it cannot hide what the worker itself does (with max-age it coalesces and answers
   * repeated requests on its own).
   */
  const unfresh = (request: TestRequest, delay = 0): Reply => {
    const reply = resource(request, { delay });
    const { 'Cache-Control': _fresh, 'Last-Modified': _heuristic, ...headers } = reply.headers as Record<string, string>;
    return { ...reply, headers };
  };

  it('shares a miss: 10 concurrent reads cost one server hit, each gets the whole body', async () => {
    const big = 'x'.repeat(300_000);
    server.route('GET', '/api/slow/1', (request) => ({ ...unfresh(request, 300), body: JSON.stringify({ path: '/api/slow/1', version: 1, big }) }));
    const answers = await page.evaluate(() =>
      Promise.all(Array.from({ length: 10 }, () => fetch('/api/slow/1').then(async (r) => ({ age: r.headers.get('age'), body: await r.text() })))),
    );
    const bodies = answers.map((a) => a.body);
    expect(server.hits('GET /api/slow/1')).toBe(1);
    // The nine followers were answered from the cache, as hits are: with Age.
    expect(answers.filter((a) => a.age !== null)).toHaveLength(9);
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0] ?? '{}').big).toHaveLength(300_000);
  });

  it('the request right after a miss is a hit (the store may still be in flight)', async () => {
    server.route('GET', '/api/slow/2', (request) => unfresh(request));
    const [first, second] = await page.evaluate(async () => {
      const a = await fetch('/api/slow/2').then((r) => r.text());
      const b = await fetch('/api/slow/2').then((r) => r.text());
      return [a, b];
    });
    expect(second).toBe(first);
    expect(server.hits('GET /api/slow/2')).toBe(1);
  });

  it('a miss still fills the cache when the tab that asked closes while it is in flight', async () => {
    server.route('GET', '/api/slow/4', (request) => ({ ...unfresh(request), delay: 800 }));
    const leaving = await browser.newPage();
    await leaving.goto(server.url('/'));
    await waitForController(leaving);
    await leaving.evaluate(`void fetch('/api/slow/4')`);
    await expect.poll(() => server.hits('GET /api/slow/4')).toBe(1);
    await leaving.close();
    // The other tab asks after the response has had time to arrive and be stored.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await read('/api/slow/4')).toEqual({ path: '/api/slow/4', version: 1 });
    expect(server.hits('GET /api/slow/4')).toBe(1);
  });

  it('a response fetched before an invalidation is not stored after it', async () => {
    server.route('GET', '/api/slow/3', (request) => ({ ...resource(request), delay: 600 }));
    await page.evaluate(`window.inFlight = fetch('/api/slow/3').then((r) => r.json())`);
    await expect.poll(() => server.hits('GET /api/slow/3')).toBe(1);
    change('/api/slow/3');
    await invalidate(`{ routes: ['/api/slow/:id'] }`);
    // The page that asked before the change gets the old answer, as it would without a cache…
    expect(await page.evaluate(`window.inFlight`)).toEqual({ path: '/api/slow/3', version: 1 });
    // …but the cache does not keep it.
    expect(await read('/api/slow/3')).toEqual({ path: '/api/slow/3', version: 2 });
    expect(server.hits('GET /api/slow/3')).toBe(2);
  });
});

describe('records read back are checked', () => {
  it('a worker entry with an invalid header name is a miss, removed and replaced', async () => {
    const server = await startServer();
    const browser = await launchBrowser();
    try {
      server.static('/', workerDir);
      server.static('/dist/', join(root, 'dist'));
      server.static('/node_modules/idb/', join(root, 'node_modules/idb'));
      // No freshness headers: the HTTP cache beneath cannot answer the reads itself.
      server.route('GET', '/api/site/corrupt', () => ({ body: '{"ok":true}', headers: { 'Content-Type': 'application/json' } }));
      const page = await browser.newPage();
      await page.goto(server.url('/'));
      await page.evaluate(`navigator.serviceWorker.register('/sw.js?backend=idb')`);
      await waitForController(page);
      const url = server.url('/api/site/corrupt');
      // What an older version or a corrupt profile left: a record the platform cannot turn into headers.
      await page.evaluate(`import('/dist/index.js').then(async (c) => {
        c.defineCaches({ default: { backend: 'idb', location: 'fresh' } });
        await c.cache.set('cachette.sw.headers..${url}', [], 600);
        await c.cache.set('cachette.sw.page..GET.${url}.d41d8cd98f00b204e9800998ecf8427e',
          { status: 200, statusText: 'OK', headers: [['bad header', 'x']], body: new Blob(['stale']), storedAt: Date.now() }, 600);
      })`);
      const bodies: string[] = [];
      for (let i = 0; i < 3; i += 1) bodies.push(await page.evaluate((u) => fetch(u).then((r) => r.text()), url));
      expect(bodies).toEqual(['{"ok":true}', '{"ok":true}', '{"ok":true}']);
      // The first read removed the corrupt record and stored a good copy: one server hit, not one per read.
      expect(server.hits('GET /api/site/corrupt')).toBe(1);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
