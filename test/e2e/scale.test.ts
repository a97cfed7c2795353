/**
 * A `cache-storage` store of 100,000 entries works end to end, in real Chromium on an
 * on-disk profile: the page and the worker read and write it, invalidation by prefix, tag and
 * route removes what it names, a cull removes a third, and the devtools panel counts it and
 * lists a bounded page of it. The store is filled through its index (the IndexedDB half, one
 * transaction per 10,000 records): what this proves is that nothing lists the whole store,
 * which at this size Chromium's `cache.keys()` refuses. Costs are measured in
 * `bench/scale.mjs`, never asserted here.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, waitForController, type TestBrowser } from './support/browser.js';
import { BLANK_PAGE, buildWorker } from './support/build-worker.js';
import { json, startServer, type TestServer } from './support/server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const N = 100_000;
let tmp: string;
let server: TestServer;
let browser: TestBrowser;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cachette-scale-'));
  await buildWorker(fileURLToPath(new URL('sw/scale-worker.ts', import.meta.url)), tmp);
  await writeFile(join(tmp, 'index.html'), BLANK_PAGE);
  server = await startServer();
  server.static('/', tmp, { 'Cache-Control': 'no-store' });
  server.static('/dist/', join(root, 'dist'));
  server.static('/node_modules/idb/', join(root, 'node_modules/idb'));
  let served = 0;
  server.route('GET', '/api/big/1', () => json({ served: ++served }));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

it('a 100,000-entry cache-storage store: page and worker hits, invalidation, a cull and the panel', async () => {
  const page = await browser.newPage();
  await page.goto(server.url('/'));
  await page.evaluate(() => navigator.serviceWorker.register('/sw.js'));
  await waitForController(page);
  // Strings, so the test runner's transform cannot rewrite the dynamic imports.
  await page.evaluate(`Promise.all([import('/dist/index.js'), import('/dist/backends/idb.js'), import('/dist/backends/cache-storage.js'), import('/dist/devtools/collect-panel-data.js')])
    .then(([cachette, idb, cs, panel]) => { window.t = { cachette, idb, cs, panel }; })`);

  const result = await page.evaluate(async (n) => {
    type Lib = {
      cachette: typeof import('cachette');
      idb: typeof import('../../src/backends/idb.js');
      cs: typeof import('../../src/backends/cache-storage.js');
      panel: typeof import('../../src/devtools/collect-panel-data.js');
    };
    const { cachette, idb, cs, panel } = (window as unknown as { t: Lib }).t;
    cachette.defineCaches({
      default: { backend: 'memory' },
      big: { backend: 'cache-storage', location: 'big', maxEntries: 200_000 },
      'big-full': { backend: 'cache-storage', location: 'big', maxEntries: 1 },
    });
    const big = cachette.getCache('big');
    const now = Date.now();
    // Through the public API first: the Cache and its index exist, as any app's would.
    for (let i = 0; i < 20; i++) await big.set(`real:${i}`, { i }, 3600);

    // The fill: records only, in the stored-key shape `:1:<key>` (keyPrefix '', version 1).
    const index = idb.openIdbStore(cs.cacheStorageIndexName('big'));
    const started = performance.now();
    const chunk = 10_000;
    for (let from = 0; from < n; from += chunk) {
      const entries = Array.from({ length: chunk }, (_, j) => {
        const i = from + j;
        return { key: `:1:g${i % 100}:${i}`, value: 'json', expires: now + 3_600_000, tags: [`t${i % 100}`], size: 200, used: now, stored: now };
      });
      await index.set(entries, { maxEntries: Number.MAX_SAFE_INTEGER, cullFrequency: 3, now });
    }
    await index.close();
    const fillMs = performance.now() - started;
    const count = () => big.store.count(Date.now());
    const out: Record<string, unknown> = { fillMs, filled: await count() };

    // Writes and reads at 100k, through the public API.
    for (let i = 20; i < 40; i++) await big.set(`real:${i}`, { i }, 3600);
    const reads = await Promise.all(Array.from({ length: 40 }, (_, i) => big.get(`real:${i}`)));
    out.reads = reads.filter((v, i) => (v as { i: number } | undefined)?.i === i).length;
    out.afterWrites = await count();

    // A record whose body is not there is a miss, repaired in the background.
    out.bodiless = await big.get('g3:103', 'miss');
    for (let tries = 0; tries < 100 && (await big.store.count(Date.now())) !== n + 39; tries++) await new Promise((r) => setTimeout(r, 20));
    out.afterRepair = await count();

    // Invalidation by prefix and by tag: 1% each.
    await cachette.invalidate({ cache: 'big', prefix: 'g7:' });
    out.afterPrefix = await count();
    await cachette.invalidate({ cache: 'big', tags: ['t8'] });
    out.afterTag = await count();

    // The worker: a miss is stored and the next request is a hit, at 100k; a route invalidation drops it.
    const served = async () => ((await (await fetch('/api/big/1')).json()) as { served: number }).served;
    out.worker = [await served(), await served()];
    await cachette.invalidate({ routes: ['/api/big/:id'] });
    out.afterRoute = await served();

    // The panel: counted in full, listed in a bounded page, in the page and in the worker.
    const data = await panel.collectPanelData();
    out.panel = data.caches.filter((c) => c.alias === 'big').map((c) => ({ side: c.side, count: c.count, listed: c.entries.length, error: c.error }));

    // One cull: an alias over the same store whose maxEntries it already holds.
    const before = await count();
    await cachette.getCache('big-full').set('after-cull', 1);
    out.cull = { before, after: await count(), expected: before - Math.floor(before / 3) + 1 };
    out.afterCullHit = await cachette.getCache('big-full').get('after-cull');
    return out;
  }, N);

  console.log(`scale: ${N} index records filled in ${Math.round(result.fillMs as number)} ms`);
  expect(result.filled).toBe(N + 20);
  expect(result.reads).toBe(40);
  expect(result.afterWrites).toBe(N + 40);
  expect(result.bodiless).toBe('miss');
  expect(result.afterRepair).toBe(N + 39);
  expect(result.afterPrefix).toBe(N + 39 - 1000);
  // t8's 1,000 records; the bodiless g3:103 was t3's, gone already.
  expect(result.afterTag).toBe(N + 39 - 2000);
  expect(result.worker).toEqual([1, 1]);
  expect(result.afterRoute).toBe(2);
  const live = N + 39 - 2000 + 1; // and the worker's /api/big/1, stored again after the route invalidation
  expect(result.panel).toEqual(
    expect.arrayContaining([
      { side: 'page', count: expect.any(Number), listed: 500, error: undefined },
      { side: 'worker', count: expect.any(Number), listed: 500, error: undefined },
    ]),
  );
  for (const side of result.panel as { count: number }[]) expect([live - 1, live]).toContain(side.count);
  const cull = result.cull as { before: number; after: number; expected: number };
  expect(cull.after).toBe(cull.expected);
  expect(result.afterCullHit).toBe(1);
  await page.close();
}, 240_000);
