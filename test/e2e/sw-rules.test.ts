/**
 * Django's cache-middleware rules, enforced by a real service worker in real Chromium, for
 * both shared backends: each test fails when its rule is broken. The worker
 * (test/e2e/sw/rules-worker.ts) is built from the package by the cachette/vite plugin; the
 * loopback server counts the requests that reach it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Counters } from 'cachette/sw';
import { launchBrowser, waitForController, type TestBrowser } from './support/browser.js';
import { BLANK_PAGE, buildWorker } from './support/build-worker.js';
import { json, startServer, text, type TestServer } from './support/server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Fetched {
  status: number;
  headers: Record<string, string>;
  body: string;
}


interface Stats {
  stats: { routes: Record<string, Counters>; caches: Record<string, Counters> };
  routes: string[];
  errors: string[];
}

let tmp: string;
let workerDir: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cachette-rules-'));
  workerDir = await buildWorker(fileURLToPath(new URL('sw/rules-worker.ts', import.meta.url)), join(tmp, 'worker'));
  await writeFile(join(workerDir, 'index.html'), BLANK_PAGE);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe.each(['idb', 'cache-storage'] as const)('the worker’s rules with the %s backend', (backend) => {
  let server: TestServer;
  /** Another origin (another port), answering without CORS: no-cors fetches to it are opaque. */
  let other: TestServer;
  let browser: TestBrowser;
  let page: Page;
  const counter = new Map<string, number>();
  /** A JSON body that changes on every request: a cached answer shows the old number. */
  const counted = (path: string, headers: Record<string, string> = {}, status = 200) =>
    server.route('GET', path, () => {
      counter.set(path, (counter.get(path) ?? 0) + 1);
      return json({ path, n: counter.get(path) }, { headers, status });
    });

  beforeAll(async () => {
    server = await startServer();
    server.static('/', workerDir);
    server.static('/dist/', join(root, 'dist'));
    server.static('/node_modules/idb/', join(root, 'node_modules/idb'));
    other = await startServer();
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(server.url('/'));
    await page.evaluate(`navigator.serviceWorker.register('/sw.js?backend=${backend}&other=${new URL(other.origin).port}')`);
    await waitForController(page);
    // The page-side library over the same shared stores as the worker.
    await page.evaluate(`import('/dist/index.js').then((m) => {
      window.cachette = m;
      m.defineCaches({ default: { backend: '${backend}', location: 'e2e' }, pages: { backend: '${backend}', location: 'e2e-pages' } });
    })`);
    // The library's own files went through the worker's per-site cache: let those stores
    // finish, so each test's wait (below) sees only its own request settle.
    let last = -1;
    for (let i = 0; i < 50; i += 1) {
      const now = settledCount(await stats());
      if (now === last) break;
      last = now;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await other?.close();
  });

  async function stats(): Promise<Stats> {
    return page.evaluate(
      () =>
        new Promise<Stats>((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = (event) => resolve(event.data as Stats);
          navigator.serviceWorker.controller?.postMessage({ test: 'stats' }, [channel.port2]);
        }),
    );
  }

  function settledCount(s: Stats): number {
    return Object.values(s.stats.caches).reduce((sum, c) => sum + c.hits + c.stored + c.notStored + c.errors, 0);
  }

  /** Fetches through the worker and waits until it has finished with the request (stored it, or decided not to). */
  async function get(path: string, init: RequestInit = {}): Promise<Fetched> {
    const before = settledCount(await stats());
    const result = await page.evaluate(
      async ([url, options]) => {
        const response = await fetch(url, options);
        return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
      },
      [path, init] as const,
    );
    // Up to 10 s: on a loaded machine the worker's write can lag the response by seconds.
    for (let i = 0; i < 500 && settledCount(await stats()) <= before; i += 1) await new Promise((r) => setTimeout(r, 20));
    return result;
  }

  /** Keys and tags of the live entries the worker stored, read through the page-side library. */
  async function entries(alias: string): Promise<{ key: string; tags: string[] }[]> {
    return page.evaluate(
      `window.cachette.getCache('${alias}').store.list(Date.now()).then((l) => l.map((e) => ({ key: e.key, tags: e.tags })))`,
    );
  }

  it('serves a hit without reaching the server, with Age; stored responses carry Expires and max-age', async () => {
    counted('/api/site/a');
    const first = await get('/api/site/a');
    const second = await get('/api/site/a');
    expect(server.hits('GET /api/site/a')).toBe(1);
    expect(second.body).toBe(first.body);
    expect(first.headers['cache-control']).toContain('max-age=600');
    expect(Date.parse(first.headers.expires ?? '')).toBeGreaterThan(Date.now() + 590_000);
    expect(first.headers.age).toBeUndefined();
    expect(Number(second.headers.age)).toBeGreaterThanOrEqual(0);
    expect(second.headers['cache-control']).toContain('max-age=600');
    expect(second.headers.expires).toBe(first.headers.expires);
  });

  it('keys by the full URL, query string included', async () => {
    counted('/api/site/q');
    await get('/api/site/q?page=1');
    await get('/api/site/q?page=2');
    await get('/api/site/q?page=1');
    expect(server.hits('GET /api/site/q?page=1')).toBe(1);
    expect(server.hits('GET /api/site/q?page=2')).toBe(1);
  });

  it('refetches after expiry (the response’s max-age overrides cacheSite’s seconds)', async () => {
    counted('/api/site/short', { 'Cache-Control': 'max-age=1' });
    await get('/api/site/short');
    await get('/api/site/short');
    expect(server.hits('GET /api/site/short')).toBe(1);
    await new Promise((r) => setTimeout(r, 1100));
    const again = await get('/api/site/short');
    expect(server.hits('GET /api/site/short')).toBe(2);
    expect(JSON.parse(again.body).n).toBe(2);
  });

  it('never stores private, no-cache, no-store, max-age=0 (per-site), 404 or POST responses', async () => {
    const cases: [string, Record<string, string>, number][] = [
      ['/api/never/private', { 'Cache-Control': 'private, max-age=60' }, 200],
      ['/api/never/no-cache', { 'Cache-Control': 'no-cache' }, 200],
      ['/api/never/no-store', { 'Cache-Control': 'public, No-Store' }, 200],
      ['/api/never/max-age-0', { 'Cache-Control': 'max-age=0' }, 200],
      ['/api/never/404', {}, 404],
    ];
    for (const [path, headers, status] of cases) {
      counted(path, headers, status);
      // The default cache mode: Chromium's HTTP cache keeps `private, max-age=60` itself, but
      // the worker's fetch revalidates (cache: 'no-cache'), so the second read reaches the server.
      const first = await get(path);
      expect(first.status).toBe(status);
      await get(path);
      expect(server.hits(`GET ${path}`), path).toBe(2);
    }
    server.route('POST', '/api/never/post', () => json({ ok: true }));
    for (let i = 0; i < 2; i += 1) await page.evaluate(() => fetch('/api/never/post', { method: 'POST', body: 'x' }).then((r) => r.text()));
    expect(server.hits('POST /api/never/post')).toBe(2);
  });

  it('a route with ttl: 0 never caches and never even looks up (@never_cache)', async () => {
    counted('/api/never-cache');
    for (let i = 0; i < 2; i += 1) await page.evaluate(() => fetch('/api/never-cache').then((r) => r.text()));
    expect(server.hits('GET /api/never-cache')).toBe(2);
    const { stats: s, routes } = await stats();
    const id = routes.find((r) => r.includes('/api/never-cache')) as string;
    expect(id).toBeDefined();
    expect(s.routes[id]).toBeUndefined();
  });

  it('honours Vary: another value of a varied header is another entry', async () => {
    server.route('GET', '/api/vary', ({ headers }) => json({ lang: headers['x-lang'] ?? null }, { vary: 'X-Lang' }));
    const en = await get('/api/vary', { headers: { 'X-Lang': 'en' } });
    const fr = await get('/api/vary', { headers: { 'X-Lang': 'fr' } });
    const enAgain = await get('/api/vary', { headers: { 'X-Lang': 'en' } });
    expect(JSON.parse(en.body).lang).toBe('en');
    expect(JSON.parse(fr.body).lang).toBe('fr');
    expect(JSON.parse(enAgain.body).lang).toBe('en');
    expect(server.hits('GET /api/vary')).toBe(2);
  });

  it('answers HEAD from the GET entry, and never stores a HEAD response', async () => {
    counted('/api/head');
    await get('/api/head');
    const head = await get('/api/head', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-type']).toContain('application/json');
    expect(server.hits('HEAD /api/head')).toBe(0);

    counted('/api/head-first');
    await get('/api/head-first', { method: 'HEAD' });
    await get('/api/head-first');
    expect(server.hits('HEAD /api/head-first')).toBe(1);
    expect(server.hits('GET /api/head-first')).toBe(1);
  });

  it('lets a route’s TTL win over max-age, even max-age=0 (Django’s test_cache_page_timeout)', async () => {
    counted('/api/route-ttl', { 'Cache-Control': 'max-age=0' });
    const first = await get('/api/route-ttl');
    await get('/api/route-ttl');
    expect(server.hits('GET /api/route-ttl')).toBe(1);
    expect(first.headers['cache-control']).toContain('max-age=0');
    await new Promise((r) => setTimeout(r, 2100));
    await get('/api/route-ttl');
    expect(server.hits('GET /api/route-ttl')).toBe(2);
  });

  it('caches through cachePage on a workbox route, and through RegExp routes', async () => {
    counted('/view/a');
    await get('/view/a');
    await get('/view/a');
    expect(server.hits('GET /view/a')).toBe(1);
    counted('/api/regex/1');
    await get('/api/regex/1');
    await get('/api/regex/1');
    expect(server.hits('GET /api/regex/1')).toBe(1);
    const pages = await entries('pages');
    expect(pages.some((e) => e.tags.includes(server.url('/api/regex/1')) || e.tags.includes(`cachette:url:${server.url('/api/regex/1')}`))).toBe(true);
  });

  it('stores under the route’s cache and keyPrefix', async () => {
    counted('/api/prefixed/x');
    await get('/api/prefixed/x');
    await get('/api/prefixed/x');
    expect(server.hits('GET /api/prefixed/x')).toBe(1);
    const keys = (await entries('pages')).map((e) => e.key);
    expect(keys.some((k) => k.includes(`cachette.sw.page.p1.GET.${server.url('/api/prefixed/x')}`))).toBe(true);
    expect((await entries('default')).some((e) => e.key.includes('/api/prefixed/x'))).toBe(false);
  });

  it('adds Cache-Tag / Surrogate-Key header values and the route’s tags to the entry', async () => {
    server.route('GET', '/api/authors/7', () => json({ id: 7 }, { headers: { 'Cache-Tag': 'author-7, people', 'Surrogate-Key': 'featured' } }));
    await get('/api/authors/7');
    // Polled: the counters `get` waits on can move for another request's late write, before this one's.
    const tagsOf = async () => (await entries('default')).find((e) => e.key.includes(`${server.url('/api/authors/7')}.`))?.tags;
    await expect.poll(tagsOf, { timeout: 5000 }).toEqual(expect.arrayContaining(['authors', 'author-7', 'people', 'featured']));
  });

  it('invalidatedBy: a successful mutation removes the route’s entries before its response reaches the page', async () => {
    counted('/api/authors/1');
    server.route('POST', '/api/authors', () => json({ created: true }, { status: 201 }));
    server.route('DELETE', '/api/authors/2', () => json({ error: 'nope' }, { status: 500 }));
    await get('/api/authors/1');
    await get('/api/authors/1');
    expect(server.hits('GET /api/authors/1')).toBe(1);

    // A failed mutation changes nothing.
    await page.evaluate(() => fetch('/api/authors/2', { method: 'DELETE' }).then((r) => r.status));
    await get('/api/authors/1');
    expect(server.hits('GET /api/authors/1')).toBe(1);

    const storedAfterPost = await page.evaluate(async () => {
      await fetch('/api/authors', { method: 'POST', body: '{}' });
      const list = await (window as unknown as { cachette: { getCache(a: string): { store: { list(n: number): Promise<{ key: string }[]> } } } }).cachette
        .getCache('default')
        .store.list(Date.now());
      return list.filter((e) => e.key.includes('/api/authors/1')).length;
    });
    expect(storedAfterPost).toBe(0);
    const fresh = await get('/api/authors/1');
    expect(server.hits('GET /api/authors/1')).toBe(2);
    expect(JSON.parse(fresh.body).n).toBe(2);
  });

  it('never serves one cookie session’s response to another (Vary: Cookie)', async () => {
    server.route('GET', '/api/me', ({ headers }) => text(`user:${/session=(\w+)/.exec(headers.cookie ?? '')?.[1] ?? 'anonymous'}`, { vary: 'Cookie' }));
    const as = async (user: string) => {
      await page.evaluate((u) => {
        document.cookie = `session=${u}; path=/`;
      }, user);
      return (await get('/api/me')).body;
    };
    expect(await as('alice')).toBe('user:alice');
    expect((await stats()).errors).toEqual([]);
    expect(await as('bob')).toBe('user:bob');
    expect(await as('alice')).toBe('user:alice');
    expect(await as('bob')).toBe('user:bob');
    expect(server.hits('GET /api/me')).toBe(2);
    // Logout: one call drops every session-keyed entry, everywhere.
    await page.evaluate(`window.cachette.invalidateSession('alice')`);
    expect(await as('alice')).toBe('user:alice');
    expect(server.hits('GET /api/me')).toBe(3);
    await page.evaluate(() => {
      document.cookie = 'session=; max-age=0; path=/';
    });
  });

  it('streams a miss to the page before the body is complete, and stores it once complete', async () => {
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    server.route('GET', '/api/site/stream', ({ res }) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('first half, ');
      void finished.then(() => res.end('second half'));
    });
    // The page has the response (status and headers) while the server still holds the body back.
    const status = await page.evaluate(async () => {
      const response = await fetch('/api/site/stream');
      (window as unknown as { pending: Response }).pending = response;
      return response.status;
    });
    expect(status).toBe(200);
    finish();
    expect(await page.evaluate(() => (window as unknown as { pending: Response }).pending.text())).toBe('first half, second half');
    for (let i = 0; i < 100 && !(await entries('default')).some((e) => e.key.includes('/api/site/stream')); i += 1) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await get('/api/site/stream')).body).toBe('first half, second half');
    expect(server.hits('GET /api/site/stream')).toBe(1);
  });

  it('stores opaque cross-origin responses only on a route with opaque: true, and only in a cache-storage cache', async () => {
    other.route('GET', '/opaque/x', () => text('opaque body'));
    other.route('GET', '/plain/x', () => text('plain body'));
    const noCors = (url: string) =>
      page.evaluate(async (u) => {
        const response = await fetch(u, { mode: 'no-cors' });
        return response.type;
      }, url);
    const settle = async (n: number) => {
      for (let i = 0; i < 100 && settledCount(await stats()) < n; i += 1) await new Promise((r) => setTimeout(r, 20));
    };
    let before = settledCount(await stats());
    expect(await noCors(other.url('/plain/x'))).toBe('opaque');
    await settle(before + 1);
    before = settledCount(await stats());
    await noCors(other.url('/plain/x'));
    await settle(before + 1);
    expect(other.hits('GET /plain/x')).toBe(2);

    before = settledCount(await stats());
    expect(await noCors(other.url('/opaque/x'))).toBe('opaque');
    await settle(before + 1);
    before = settledCount(await stats());
    expect(await noCors(other.url('/opaque/x'))).toBe('opaque');
    await settle(before + 1);
    // Only Cache Storage keeps a response as it is; IndexedDB would need its (hidden) bytes.
    expect(other.hits('GET /opaque/x')).toBe(backend === 'cache-storage' ? 1 : 2);
    if (backend === 'idb') expect((await stats()).errors.some((e) => e.includes("needs a 'cache-storage' cache"))).toBe(true);
  });

  it('counts hits and misses per route and per cache', async () => {
    counted('/api/authors/3');
    await get('/api/authors/3');
    await get('/api/authors/3');
    const { stats: s, routes } = await stats();
    const authorsRoute = routes.find((id) => id.includes('/api/authors/:id')) as string;
    expect(s.routes[authorsRoute]?.hits).toBeGreaterThanOrEqual(1);
    expect(s.routes[authorsRoute]?.misses).toBeGreaterThanOrEqual(1);
    expect(s.routes.site?.hits).toBeGreaterThanOrEqual(1);
    expect(s.caches.default?.stored).toBeGreaterThanOrEqual(1);
    expect(s.caches.pages?.hits).toBeGreaterThanOrEqual(2);
  });

  it('falls back to the network when storage fails, and counts the error (last: it breaks the worker’s storage)', async () => {
    counted('/api/site/fallback');
    await get('/api/site/fallback');
    await get('/api/site/fallback');
    expect(server.hits('GET /api/site/fallback')).toBe(1);
    const errorsBefore = (await stats()).stats.caches.default?.errors ?? 0;
    await page.evaluate(
      () =>
        new Promise((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = resolve;
          navigator.serviceWorker.controller?.postMessage({ test: 'break-storage' }, [channel.port2]);
        }),
    );
    const response = await get('/api/site/fallback');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).n).toBe(2);
    expect(server.hits('GET /api/site/fallback')).toBe(2);
    counted('/api/site/after-break');
    const fresh = await get('/api/site/after-break');
    expect(fresh.status).toBe(200);
    expect((await stats()).stats.caches.default?.errors).toBeGreaterThan(errorsBefore);
  });
});
