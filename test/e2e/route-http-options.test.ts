/**
 * HTTP's ways of using an entry past its freshness, on Django's handlers, in a real worker
 * in real Chromium with its HTTP cache on, for both shared backends: `staleWhileRevalidate`,
 * `staleIfError` (route options, and RFC 5861's directives in `cacheSite`), `ignoreParams`,
 * and conditional revalidation (a 304 renews the entry without its body). The worker is
 * test/e2e/sw/http-options-worker.ts; TTLs are 1 s, so tests wait just past them.
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
import { json, startServer, type Reply, type TestRequest, type TestServer } from './support/server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Fetched {
  status: number;
  headers: Record<string, string>;
  body: string;
}


let tmp: string;
let workerDir: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cachette-http-options-'));
  workerDir = await buildWorker(fileURLToPath(new URL('sw/http-options-worker.ts', import.meta.url)), join(tmp, 'worker'));
  await writeFile(join(workerDir, 'index.html'), BLANK_PAGE);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(['idb', 'cache-storage'] as const)('route HTTP options with the %s backend', (backend) => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  const counter = new Map<string, number>();
  /** A JSON body numbered per request to `path`: a cached answer shows an old number. */
  const counted = (path: string, reply: (n: number, request: TestRequest) => Omit<Reply, 'body'> | 'reset' = () => ({})) =>
    server.route('GET', path, (request) => {
      const n = (counter.get(path) ?? 0) + 1;
      counter.set(path, n);
      const init = reply(n, request);
      if (init === 'reset') {
        // As a server that went away: the connection drops, the fetch rejects.
        request.req.socket.destroy();
        return undefined;
      }
      return json({ path, n }, init);
    });

  beforeAll(async () => {
    server = await startServer();
    server.static('/', workerDir);
    server.static('/dist/', join(root, 'dist'));
    server.static('/node_modules/idb/', join(root, 'node_modules/idb'));
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(server.url('/'));
    await page.evaluate(`navigator.serviceWorker.register('/sw.js?backend=${backend}')`);
    await waitForController(page);
    await page.evaluate(`import('/dist/index.js').then((m) => {
      window.cachette = m;
      m.defineCaches({ default: { backend: '${backend}', location: 'e2e-http' } });
    })`);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function routeStats(pattern: string): Promise<Counters> {
    const stats = await page.evaluate(
      () =>
        new Promise<{ routes: Record<string, Counters> }>((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = (event) => resolve((event.data as { stats: { routes: Record<string, Counters> } }).stats);
          navigator.serviceWorker.controller?.postMessage({ test: 'stats' }, [channel.port2]);
        }),
    );
    const id = Object.keys(stats.routes).find((key) => key === pattern || key.endsWith(`:${pattern}`));
    return (id && stats.routes[id]) || { hits: 0, misses: 0, stored: 0, notStored: 0, errors: 0 };
  }

  /** Waits until the route has stored `n` responses (a write goes on after the page has its answer). */
  async function storedCount(pattern: string, n: number): Promise<void> {
    for (let i = 0; i < 150 && (await routeStats(pattern)).stored < n; i += 1) await sleep(20);
    expect((await routeStats(pattern)).stored).toBe(n);
  }

  async function get(path: string, init: RequestInit = {}): Promise<Fetched> {
    return page.evaluate(
      async ([url, options]) => {
        const response = await fetch(url, options);
        return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
      },
      [path, init] as const,
    );
  }

  /** Whether the fetch rejected (a network error reached the page). */
  async function rejects(path: string): Promise<boolean> {
    return page.evaluate((url) => fetch(url).then(() => false, () => true), path);
  }

  const n = (fetched: Fetched) => (JSON.parse(fetched.body) as { n: number }).n;

  it('staleWhileRevalidate: serves the stale entry at once, with one refresh for many requests; the next request gets the refreshed body', async () => {
    // The refresh is slow, so every stale request below arrives while it runs.
    counted('/api/swr', (i) => ({ delay: i > 1 ? 400 : 0 }));
    expect(n(await get('/api/swr'))).toBe(1);
    await storedCount('/api/swr', 1);
    await sleep(1100);
    const stale = await page.evaluate(() => Promise.all(Array.from({ length: 5 }, () => fetch('/api/swr').then((r) => r.json() as Promise<{ n: number }>))));
    expect(stale.map((body) => body.n)).toEqual([1, 1, 1, 1, 1]);
    await storedCount('/api/swr', 2);
    expect(server.hits('GET /api/swr')).toBe(2);
    const fresh = await get('/api/swr');
    expect(n(fresh)).toBe(2);
    expect(server.hits('GET /api/swr')).toBe(2);
    expect((await routeStats('/api/swr')).stale).toBe(5);
  });

  it('staleWhileRevalidate with a validator: the background refresh is conditional, and a 304 renews the entry', async () => {
    counted('/api/swr-etag', (_, { headers }) => (headers['if-none-match'] === '"s1"' ? { status: 304, headers: { ETag: '"s1"' } } : { headers: { ETag: '"s1"' } }));
    await get('/api/swr-etag');
    await storedCount('/api/swr-etag', 1);
    await sleep(1100);
    expect(n(await get('/api/swr-etag'))).toBe(1);
    await storedCount('/api/swr-etag', 2);
    expect((await routeStats('/api/swr-etag')).revalidations).toBe(1);
    // Answered stale at once; the revalidation ran in the background.
    expect((await routeStats('/api/swr-etag')).stale).toBe(1);
    expect(server.requests.filter((r) => r.path === '/api/swr-etag').map((r) => r.headers['if-none-match'] ?? null)).toEqual([null, '"s1"']);
    // Renewed: fresh again, answered without the network.
    expect(n(await get('/api/swr-etag'))).toBe(1);
    expect(server.hits('GET /api/swr-etag')).toBe(2);
  });

  it('staleIfError: serves an expired entry when the network answers 5xx or fails, and not after the window', async () => {
    let mode: 'ok' | '503' | 'reset' = 'ok';
    counted('/api/sie', () => (mode === 'reset' ? 'reset' : mode === '503' ? { status: 503 } : {}));
    expect(n(await get('/api/sie'))).toBe(1);
    await storedCount('/api/sie', 1);
    await sleep(1100);
    mode = '503';
    const on503 = await get('/api/sie');
    expect(on503.status).toBe(200);
    expect(n(on503)).toBe(1);
    mode = 'reset';
    const onFailure = await get('/api/sie');
    expect(onFailure.status).toBe(200);
    expect(n(onFailure)).toBe(1);
    expect((await routeStats('/api/sie')).stale).toBe(2);
    // Past ttl (1 s) + staleIfError (2 s): the network's answer, or its error.
    await sleep(2000);
    mode = '503';
    const after = await get('/api/sie');
    expect(after.status).toBe(503);
    mode = 'reset';
    expect(await rejects('/api/sie')).toBe(true);
  });

  it('staleIfError on cachePage; cacheSite takes the response’s stale-if-error directive, a route does not', async () => {
    let failing = false;
    const reply = () => (failing ? { status: 500 } : { headers: { 'Cache-Control': 'max-age=1, stale-if-error=60' } });
    counted('/view/sie', reply);
    counted('/site/sie', reply);
    counted('/api/route-directive', reply);
    // The per-site cache also stored the page and the library: count from here.
    const siteBefore = (await routeStats('site')).stored;
    for (const path of ['/view/sie', '/site/sie', '/api/route-directive']) expect(n(await get(path))).toBe(1);
    await storedCount('/api/route-directive', 1);
    await storedCount('page:1', 1);
    await storedCount('site', siteBefore + 1);
    await sleep(1100);
    failing = true;
    expect(n(await get('/view/sie'))).toBe(1);
    expect(n(await get('/site/sie'))).toBe(1);
    expect((await get('/api/route-directive')).status).toBe(500);
  });

  it('ignoreParams: URLs that differ only by ignored parameters share one entry; the network request keeps them; invalidation by route finds it', async () => {
    counted('/api/utm');
    const a = await get('/api/utm?utm_source=a&id=1');
    await storedCount('/api/utm', 1);
    const b = await get('/api/utm?id=1&utm_medium=b&fbclid=x');
    expect(n(a)).toBe(1);
    expect(n(b)).toBe(1);
    expect(server.requests.filter((r) => r.path.startsWith('/api/utm')).map((r) => r.path)).toEqual(['/api/utm?utm_source=a&id=1']);
    // Another value of a parameter that counts is another entry.
    expect(n(await get('/api/utm?id=2&utm_source=a'))).toBe(2);
    await storedCount('/api/utm', 2);
    await page.evaluate(() => (window as unknown as { cachette: { invalidate(t: unknown): Promise<void> } }).cachette.invalidate({ routes: ['/api/utm'] }));
    expect(n(await get('/api/utm?utm_source=c&id=1'))).toBe(3);
  });

  it('revalidates an expired entry with If-None-Match; a 304 renews it and the page gets a 200 with the stored body and renewed headers', async () => {
    counted('/api/etag', (i, { headers }) =>
      headers['if-none-match'] === '"v1"' ? { status: 304, headers: { ETag: '"v1"', 'X-Renewed': `${i}` } } : { headers: { ETag: '"v1"', 'X-Renewed': 'no' } },
    );
    const first = await get('/api/etag');
    await storedCount('/api/etag', 1);
    await sleep(1100);
    const revalidated = await get('/api/etag');
    expect(revalidated.status).toBe(200);
    expect(revalidated.body).toBe(first.body);
    expect(revalidated.headers['x-renewed']).toBe('2');
    expect(revalidated.headers.etag).toBe('"v1"');
    expect(revalidated.headers['cache-control']).toContain('max-age=1');
    expect(Date.parse(revalidated.headers.expires ?? '')).toBeGreaterThan(Date.parse(first.headers.expires ?? ''));
    expect(server.requests.filter((r) => r.path === '/api/etag').map((r) => r.headers['if-none-match'] ?? null)).toEqual([null, '"v1"']);
    expect((await routeStats('/api/etag')).revalidations).toBe(1);
    await storedCount('/api/etag', 2);
    // Renewed for another TTL: the next request is a hit, with the renewed headers.
    const hit = await get('/api/etag');
    expect(hit.body).toBe(first.body);
    expect(hit.headers['x-renewed']).toBe('2');
    expect(hit.headers['cachette-freshness']).toBeUndefined();
    expect(server.hits('GET /api/etag')).toBe(2);
  });

  it('the devtools panel shows each route’s revalidations and stale answers next to its hits and misses', async () => {
    await page.evaluate(`import('/dist/devtools.js').then((d) => { window.unmountDevtools = d.mountDevtools({ open: true, refreshMs: 300 }); })`);
    const table = page.locator('table[aria-label="Worker routes"]');
    const cell = (pattern: string, column: number) => table.locator('tr', { hasText: pattern }).first().locator('td').nth(column).textContent();
    for (let i = 0; i < 100 && !(await table.count()); i += 1) await sleep(50);
    expect(await table.locator('th').allTextContents()).toEqual(['Pattern', 'Kind', 'TTL', 'Cache', 'Hits', 'Misses', 'Stored', '304s', 'Stale']);
    expect(await cell('/api/etag', 7)).toBe('1');
    expect(await cell('/api/swr-etag', 7)).toBe('1');
    expect(await cell('/api/sie', 8)).toBe('2');
    expect(await cell('/api/swr-etag', 2)).toContain('+swr');
    expect(await cell('/api/sie', 2)).toContain('+sie');
    expect(await table.locator('tr', { hasText: '/api/utm' }).locator('td').nth(2).getAttribute('title')).toBe('ignores /^utm_/, fbclid');
    await page.evaluate(() => (window as unknown as { unmountDevtools(): void }).unmountDevtools());
  });
});
