/**
 * Invalidation across real tabs and a real worker: two pages and the worker in one
 * Chromium profile. What a fake cannot show: BroadcastChannel between tabs, postMessage to
 * a worker, and stores only the worker knows.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, waitForController, type TestBrowser } from './support/browser.js';
import { BLANK_PAGE, buildWorker } from './support/build-worker.js';
import { json, startServer, type TestServer } from './support/server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Report {
  heard: unknown[];
  errors: string[];
}

describe('invalidation across tabs and the worker', () => {
  let tmp: string;
  let server: TestServer;
  let browser: TestBrowser;
  let a: Page;
  let b: Page;
  const pageErrors: string[] = [];

  async function openPage(): Promise<Page> {
    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(server.url('/'));
    await waitForController(page);
    await page.evaluate(`import('/dist/index.js').then((m) => {
      window.cachette = m;
      window.heard = [];
      m.defineCaches({ default: { backend: 'idb', location: 'inv' }, mem: { backend: 'memory' } });
      m.onInvalidate((t) => window.heard.push(t));
    })`);
    return page;
  }

  async function report(page: Page): Promise<Report> {
    return page.evaluate(
      () =>
        new Promise<Report>((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = (event) => resolve(event.data as Report);
          navigator.serviceWorker.controller?.postMessage({ test: 'report' }, [channel.port2]);
        }),
    );
  }

  const fetchBody = (page: Page, path: string) => page.evaluate((p) => fetch(p).then((r) => r.text()), path);
  const storedSoon = async (page: Page, fn: string) => {
    for (let i = 0; i < 100 && !(await page.evaluate(fn)); i += 1) await new Promise((r) => setTimeout(r, 20));
  };

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'cachette-inv-'));
    const dir = await buildWorker(fileURLToPath(new URL('sw/invalidation-worker.ts', import.meta.url)), join(tmp, 'w'));
    await writeFile(join(dir, 'index.html'), BLANK_PAGE);
    server = await startServer();
    server.static('/', dir);
    server.static('/dist/', join(root, 'dist'));
    server.static('/node_modules/idb/', join(root, 'node_modules/idb'));
    let n = 0;
    server.route('GET', '/api/authors/1', () => json({ author: 1, n: ++n }));
    server.route('GET', '/api/articles/5', () => json({ article: 5, n: ++n }));
    server.route('POST', '/api/authors', () => json({ created: true }, { status: 201 }));
    browser = await launchBrowser();
    const first = await browser.newPage();
    await first.goto(server.url('/'));
    await first.evaluate(`navigator.serviceWorker.register('/sw.js')`);
    await waitForController(first);
    await first.close();
    a = await openPage();
    b = await openPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('keys: once A’s invalidate resolves, B misses in the shared store, drops its in-memory copy and hears it once', async () => {
    await b.evaluate(async () => {
      const c = (window as unknown as { cachette: typeof import('../../src/index.js') }).cachette;
      await c.getCache().set('k', 'shared value');
      await c.getCache('mem').set('k', 'b’s memory');
      await c.getCache('mem').set('other', 'kept');
    });
    await a.evaluate(() => (window as unknown as { cachette: typeof import('../../src/index.js') }).cachette.invalidate({ keys: ['k'] }));
    expect(await b.evaluate(() => (window as unknown as { cachette: typeof import('../../src/index.js') }).cachette.getCache().get('k'))).toBeUndefined();
    await b.waitForFunction(() => (window as unknown as { heard: unknown[] }).heard.length === 1);
    const inB = await b.evaluate(async () => {
      const c = (window as unknown as { cachette: typeof import('../../src/index.js') }).cachette;
      return { k: await c.getCache('mem').get('k'), other: await c.getCache('mem').get('other'), heard: (window as unknown as { heard: unknown[] }).heard };
    });
    expect(inB).toEqual({ k: undefined, other: 'kept', heard: [{ keys: ['k'] }] });
    expect(await a.evaluate(() => (window as unknown as { heard: unknown[] }).heard)).toEqual([{ keys: ['k'] }]);
    const worker = await report(a);
    expect(worker.heard.filter((t) => JSON.stringify(t) === JSON.stringify({ keys: ['k'] }))).toHaveLength(1);
  });

  it('tags and routes reach entries in a store only the worker configured, before invalidate resolves', async () => {
    await fetchBody(a, '/api/authors/1');
    await storedSoon(a, `caches.open('cachette:worker-only').then((c) => c.keys()).then((k) => k.length >= 2)`);
    await fetchBody(a, '/api/authors/1');
    expect(server.hits('GET /api/authors/1')).toBe(1);
    await a.evaluate(() => (window as unknown as { cachette: typeof import('../../src/index.js') }).cachette.invalidate({ tags: ['authors'] }));
    await fetchBody(b, '/api/authors/1');
    expect(server.hits('GET /api/authors/1')).toBe(2);

    await fetchBody(a, '/api/articles/5');
    await storedSoon(a, `caches.open('cachette:worker-only').then((c) => c.keys()).then((k) => k.some((r) => r.url.includes('articles')))`);
    await fetchBody(a, '/api/articles/5');
    expect(server.hits('GET /api/articles/5')).toBe(1);
    await a.evaluate(() => (window as unknown as { cachette: typeof import('../../src/index.js') }).cachette.invalidate({ routes: ['/api/articles/:id'] }));
    await fetchBody(b, '/api/articles/5');
    expect(server.hits('GET /api/articles/5')).toBe(2);
  });

  it('a mutation’s invalidatedBy in the worker is heard by every tab', async () => {
    const before = await b.evaluate(() => (window as unknown as { heard: unknown[] }).heard.length);
    await a.evaluate(() => fetch('/api/authors', { method: 'POST', body: '{}' }).then((r) => r.status));
    await b.waitForFunction((n) => (window as unknown as { heard: unknown[] }).heard.length > n, before);
    const last = await b.evaluate(() => (window as unknown as { heard: { tags?: string[] }[] }).heard.at(-1));
    expect(last?.tags?.some((t) => t.includes('/api/authors/:id'))).toBe(true);
  });

  it('garbage on the channel and to the worker throws nothing anywhere, and invalidation still works', async () => {
    await a.evaluate(() => {
      const channel = new BroadcastChannel('cachette');
      const junk: unknown[] = [
        null,
        'x',
        { cachette: 1 },
        { cachette: 1, type: 'invalidate', id: 'j1', target: 'all' },
        { cachette: 1, type: 'invalidate', id: 'j2', target: { keys: 'k' } },
        { cachette: 1, type: 'invalidate', id: 'j3', target: { all: 1 } },
        { cachette: 99, type: 'invalidate', id: 'j4', target: { all: true } },
        { cachette: 1, type: 'invalidate', id: 'j5', target: { keys: Array.from({ length: 20_000 }, (_, i) => String(i)) } },
        new ArrayBuffer(1 << 20),
      ];
      for (const item of junk) {
        channel.postMessage(item);
        navigator.serviceWorker.controller?.postMessage(item);
      }
      channel.close();
    });
    await b.evaluate(async () => {
      await (window as unknown as { cachette: typeof import('../../src/index.js') }).cachette.getCache().set('still', 'here');
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(await b.evaluate(() => (window as unknown as { cachette: typeof import('../../src/index.js') }).cachette.getCache().get('still'))).toBe('here');
    await a.evaluate(() => (window as unknown as { cachette: typeof import('../../src/index.js') }).cachette.invalidate({ keys: ['still'] }));
    expect(await b.evaluate(() => (window as unknown as { cachette: typeof import('../../src/index.js') }).cachette.getCache().get('still'))).toBeUndefined();
    expect(pageErrors).toEqual([]);
    expect((await report(a)).errors).toEqual([]);
  });
});
