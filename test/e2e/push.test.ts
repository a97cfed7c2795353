/**
 * Invalidations pushed from the server, in real Chromium: the hub (`cachette/server`, memory
 * broker) mounted on the loopback server, pages calling `connectInvalidations()`, a real
 * worker. What only a real browser shows: Web Locks electing one connection for many tabs,
 * a tab closing and another taking over, the worker catching up before its first answer
 * after every tab was closed, and two users' connections kept apart on the wire.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createInvalidationHub } from 'cachette/server';
import { cdp, launchBrowser, stopAllWorkers, waitForController, type TestBrowser } from './support/browser.js';
import { BLANK_PAGE, buildWorker } from './support/build-worker.js';
import { startServer, type TestServer } from './support/server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
type Hub = ReturnType<typeof createInvalidationHub>;

let tmp: string;
let workerDir: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cachette-push-'));
  workerDir = await buildWorker(fileURLToPath(new URL('sw/push-worker.ts', import.meta.url)), join(tmp, 'worker'));
  await writeFile(join(workerDir, 'index.html'), BLANK_PAGE);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A loopback origin serving the worker, the package and a hub; it records what each SSE connection was sent. */
async function startOrigin(options: Parameters<typeof createInvalidationHub>[0] = {}) {
  const server = await startServer();
  server.static('/', workerDir);
  server.static('/dist/', join(root, 'dist'));
  server.static('/node_modules/idb/', join(root, 'node_modules/idb'));
  const hub = createInvalidationHub(options);
  /** Every SSE response, with the bytes written to it. */
  const wires: { user: string; bytes: string[]; res: ServerResponse }[] = [];
  server.route('GET', '/cachette/events', async ({ req, res, headers }) => {
    const wire = { user: /user=(\w+)/.exec(headers.cookie ?? '')?.[1] ?? 'anonymous', bytes: [] as string[], res };
    wires.push(wire);
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      wire.bytes.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof res.write;
    // The hub writes the response itself; hold the route until the stream ends.
    await new Promise<void>((resolve) => {
      res.once('close', resolve);
      void hub.handler(req, res);
    });
  });
  let version = 1;
  server.route('GET', '/api/authors/1', () => ({
    body: JSON.stringify({ version }),
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=600', ETag: `"v${version}"` },
  }));
  // Another view of the same data, stored by the per-site cache under the tag the server publishes.
  server.route('GET', '/api/count', () => ({
    body: JSON.stringify({ version }),
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=600', 'Cache-Tag': 'authors', ETag: `"c${version}"` },
  }));
  // A change made in this browser: the view publishes it and tells the response what it published.
  server.route('POST', '/api/authors', async ({ res }) => {
    version += 1;
    await hub.publish({ tags: ['authors'] }, { response: res });
    return { status: 201, body: JSON.stringify({ version }), headers: { 'Content-Type': 'application/json' } };
  });
  return {
    server,
    hub,
    wires,
    /** The data changes at the server (another user's edit). */
    change: () => (version += 1),
    /** SSE requests that reached the server (catch-ups excluded). */
    connections: () => server.requests.filter((r) => r.path.startsWith('/cachette/events') && !r.path.includes('catchup=1')).length,
    async close() {
      await hub.close();
      await server.close();
    },
  };
}

type Origin = Awaited<ReturnType<typeof startOrigin>>;

/** A tab with the library loaded, connected to the hub, recording what its listeners hear. */
async function openTab(browser: TestBrowser, origin: Origin, { worker = true } = {}): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(origin.server.url('/'));
  if (worker) {
    await page.evaluate(`navigator.serviceWorker.register('/sw.js')`);
    await waitForController(page);
  }
  await page.evaluate(`Promise.all([import('/dist/index.js'), import('/dist/page.js')]).then(async ([c, p]) => {
    window.cachette = c;
    window.heard = [];
    c.defineCaches({ default: { backend: 'idb', location: 'push' }, mem: { backend: 'memory' } });
    c.onInvalidate((t) => window.heard.push(t));
    window.connection = p.connectInvalidations();
    await window.connection.ready;
  })`);
  return page;
}

const heard = (page: Page) => page.evaluate(`window.heard`) as Promise<{ tags?: string[]; keys?: string[]; all?: true }[]>;
const eventually = <T>(fn: () => Promise<T> | T, timeout = 10_000) => expect.poll(fn, { timeout, interval: 50 });

describe('invalidations pushed from the server', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function setUp(options: Parameters<typeof createInvalidationHub>[0] = {}) {
    const origin = await startOrigin(options);
    const browser = await launchBrowser();
    cleanups.push(() => origin.close(), () => browser.close());
    return { origin, browser };
  }

  it('three tabs share one connection; an event is applied once in each, and drops the worker’s entry', async () => {
    const { origin, browser } = await setUp();
    const tabs = [await openTab(browser, origin), await openTab(browser, origin), await openTab(browser, origin)];
    expect(origin.connections()).toBe(1);
    const [first] = tabs as [Page, Page, Page];
    expect(await first.evaluate(() => fetch('/api/authors/1').then((r) => r.json()))).toEqual({ version: 1 });
    expect(await first.evaluate(() => fetch('/api/authors/1').then((r) => r.json()))).toEqual({ version: 1 });
    await first.evaluate(`window.cachette.getCache('mem').set('count', 3)`);
    expect(origin.server.hits('GET /api/authors/1')).toBe(1);

    origin.change();
    await origin.hub.publish({ tags: ['authors'] });
    for (const tab of tabs) await eventually(() => heard(tab)).toEqual([{ tags: ['authors'] }]);
    // Not answered by the worker, nor by the HTTP cache beneath it (the API says max-age=600).
    expect(await tabs[2]!.evaluate(() => fetch('/api/authors/1').then((r) => r.json()))).toEqual({ version: 2 });
    expect(origin.server.hits('GET /api/authors/1')).toBe(2);
    expect(origin.connections()).toBe(1);
  });

  it('when the leading tab closes, another takes over and nothing published meanwhile is lost or applied twice', async () => {
    const { origin, browser } = await setUp();
    const tabs = [await openTab(browser, origin, { worker: false }), await openTab(browser, origin, { worker: false }), await openTab(browser, origin, { worker: false })];
    await origin.hub.publish({ keys: ['k0'] });
    for (const tab of tabs) await eventually(() => heard(tab)).toHaveLength(1);
    await tabs[0]!.close();
    for (let i = 1; i <= 5; i += 1) await origin.hub.publish({ keys: [`k${i}`] });
    const expected = Array.from({ length: 6 }, (_, i) => ({ keys: [`k${i}`] }));
    for (const tab of tabs.slice(1)) await eventually(() => heard(tab)).toEqual(expected);
    expect(origin.connections()).toBe(2);
  });

  it('cut connections with 20 events in flight: every event applied once, in order', async () => {
    const { origin, browser } = await setUp();
    const tabs = [await openTab(browser, origin, { worker: false }), await openTab(browser, origin, { worker: false })];
    const published: Promise<string>[] = [];
    for (let i = 0; i < 20; i += 1) {
      published.push(origin.hub.publish({ keys: [`cut${i}`] }));
      if (i % 7 === 3) for (const wire of origin.wires) wire.res.destroy();
    }
    await Promise.all(published);
    const expected = Array.from({ length: 20 }, (_, i) => ({ keys: [`cut${i}`] }));
    for (const tab of tabs) await eventually(() => heard(tab), 20_000).toEqual(expected);
  });

  it('two users: a private event reaches only its user, and never crosses the other’s wire', async () => {
    const { origin } = await setUp({ audience: (req) => /user=(\w+)/.exec(req.headers.cookie ?? '')?.[1] ?? null });
    const alice = await launchBrowser();
    const bob = await launchBrowser();
    cleanups.push(() => alice.close(), () => bob.close());
    const url = origin.server.url('/');
    await alice.context.addCookies([{ name: 'user', value: 'alice', url }]);
    await bob.context.addCookies([{ name: 'user', value: 'bob', url }]);
    const a = await openTab(alice, origin, { worker: false });
    const b = await openTab(bob, origin, { worker: false });
    await origin.hub.publish({ prefix: 'template.cache.corner.' }, { audience: 'alice' });
    await origin.hub.publish({ tags: ['public'] });
    await eventually(() => heard(a)).toEqual([{ prefix: 'template.cache.corner.' }, { tags: ['public'] }]);
    await eventually(() => heard(b)).toEqual([{ tags: ['public'] }]);
    const bobWire = origin.wires.filter((w) => w.user === 'bob').flatMap((w) => w.bytes).join('');
    expect(bobWire).toContain('public');
    expect(bobWire).not.toContain('corner');
  });

  it('a tab refused by the hub (401) reports it once and still resolves ready', async () => {
    const { origin, browser } = await setUp({ audience: () => null });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(origin.server.url('/'));
    await page.evaluate(`import('/dist/page.js').then(async (p) => {
      window.connection = p.connectInvalidations('/cachette/events', { timeoutMs: 60000 });
      await window.connection.ready;
    })`);
    await new Promise((r) => setTimeout(r, 1500));
    // Chromium logs the failed load itself; Cachette's report is the one naming it.
    expect(errors.filter((e) => e.includes('401') && e.includes('cachette'))).toHaveLength(1);
    expect(origin.connections()).toBe(1);
  });

  it('coming back after every tab closed: the worker’s first answer is not stale, and a gap past retain clears every cache', async () => {
    const { origin, browser } = await setUp({ retain: 5 });
    const page = await openTab(browser, origin);
    expect(await page.evaluate(() => fetch('/api/authors/1').then((r) => r.json()))).toEqual({ version: 1 });
    await page.evaluate(`window.cachette.getCache().set('kept', 1, 600)`);
    await origin.hub.publish({ keys: ['other'] });
    await eventually(() => heard(page)).toHaveLength(1);
    await page.close();
    const session = await cdp(await browser.newPage());
    await stopAllWorkers(session);

    // Away: the author changes, and it is published.
    origin.change();
    await origin.hub.publish({ tags: ['authors'] });
    const back = await browser.newPage();
    await back.goto(origin.server.url('/'));
    await waitForController(back);
    // The first request, before any page code connects: the worker caught up before answering.
    expect(await back.evaluate(() => fetch('/api/authors/1').then((r) => r.json()))).toEqual({ version: 2 });
    expect(await back.evaluate(`import('/dist/index.js').then((c) => { c.defineCaches({ default: { backend: 'idb', location: 'push' } }); return c.cache.get('kept'); })`)).toBe(1);

    // Away longer than the hub retains: coming back resets, and every cache is cleared.
    await back.close();
    await stopAllWorkers(session);
    for (let i = 0; i < 8; i += 1) await origin.hub.publish({ keys: [`away${i}`] });
    const again = await browser.newPage();
    await again.goto(origin.server.url('/'));
    await waitForController(again);
    await again.evaluate(() => fetch('/api/authors/1').then((r) => r.text()));
    expect(await again.evaluate(`import('/dist/index.js').then((c) => { c.defineCaches({ default: { backend: 'idb', location: 'push' } }); return c.cache.get('kept'); })`)).toBeUndefined();
  });

  it('a change made through the worker: what the server published for it is applied before the response reaches the page', async () => {
    const { origin, browser } = await setUp();
    const page = await browser.newPage();
    await page.goto(origin.server.url('/'));
    await page.evaluate(`navigator.serviceWorker.register('/sw.js')`);
    await waitForController(page);
    // No connection to the hub: only the response to the change can tell this browser.
    expect(await page.evaluate(() => fetch('/api/count').then((r) => r.json()))).toEqual({ version: 1 });
    expect(await page.evaluate(() => fetch('/api/count').then((r) => r.json()))).toEqual({ version: 1 });
    expect(origin.server.hits('GET /api/count')).toBe(1);
    const answer = await page.evaluate(() => fetch('/api/authors', { method: 'POST' }).then(async (r) => ({ status: r.status, header: r.headers.get('Cachette-Invalidated') })));
    expect(answer.status).toBe(201);
    expect(answer.header).toMatch(/^\d+-\d+ \/cachette\/events %7B%22tags%22%3A%5B%22authors%22%5D%7D$/);
    // The very next read: the entry tagged 'authors' is gone from the worker (and the HTTP cache is revalidated).
    expect(await page.evaluate(() => fetch('/api/count').then((r) => r.json()))).toEqual({ version: 2 });
  });

  it('the tab that made a change applies it once: the pushed copy of what its response announced is recognised', async () => {
    const { origin, browser } = await setUp();
    const tabs = [await openTab(browser, origin), await openTab(browser, origin)];
    const [maker, other] = tabs as [Page, Page];
    expect(await other.evaluate(() => fetch('/api/count').then((r) => r.json()))).toEqual({ version: 1 });
    expect(await maker.evaluate(() => fetch('/api/authors', { method: 'POST' }).then((r) => r.status))).toBe(201);
    // Events apply in order: once this one is heard everywhere, the pushed copy of the change was handled.
    await origin.hub.publish({ keys: ['after'] });
    for (const tab of tabs) {
      await eventually(() => heard(tab)).toContainEqual({ keys: ['after'] });
      const targets = await heard(tab);
      expect(targets.filter((t) => t.tags?.[0] === 'authors')).toEqual([{ tags: ['authors'] }]);
      // And the route's own invalidation (invalidatedBy), once.
      expect(targets.filter((t) => t.tags?.[0]?.startsWith('cachette:route:'))).toHaveLength(1);
      expect(targets).toHaveLength(3);
    }
    expect(await other.evaluate(() => fetch('/api/count').then((r) => r.json()))).toEqual({ version: 2 });
  });

  it('ignores garbage on the stream and applies the good events around it', async () => {
    const { origin, browser } = await setUp();
    origin.server.route('GET', '/garbage/events', ({ res }) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
      res.write('id: 1-1\nevent: invalidate\ndata: {"keys":["before"]}\n\n');
      res.write('id: 1-2\nevent: invalidate\ndata: {not json\n\n');
      res.write('id: 1-3\nevent: invalidate\ndata: {"nope":true}\n\n');
      res.write('event: surprise\ndata: 42\n\n');
      res.write('id: 1-4\nevent: invalidate\ndata: {"keys":["after"]}\n\n');
      res.write('event: ready\ndata: 1-4\n\n');
    });
    const page = await browser.newPage();
    await page.goto(origin.server.url('/'));
    await page.evaluate(`Promise.all([import('/dist/index.js'), import('/dist/page.js')]).then(async ([c, p]) => {
      window.heard = [];
      c.onInvalidate((t) => window.heard.push(t));
      window.connection = p.connectInvalidations('/garbage/events');
      await window.connection.ready;
    })`);
    await eventually(() => heard(page)).toEqual([{ keys: ['before'] }, { keys: ['after'] }]);
  });
});
