/**
 * The worker checks its route table against defineCaches at start, in real Chromium: a route
 * naming an undefined alias is reported once as the worker starts (the devtools panel reads
 * it from the worker's snapshot), and its requests still reach the network.
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
let tmp: string;
let server: TestServer;
let browser: TestBrowser;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cachette-aliases-'));
  await buildWorker(fileURLToPath(new URL('sw/alias-typo-worker.ts', import.meta.url)), tmp);
  await writeFile(join(tmp, 'index.html'), BLANK_PAGE);
  server = await startServer();
  server.static('/', tmp, { 'Cache-Control': 'no-store' });
  server.static('/dist/', join(root, 'dist'));
  server.static('/node_modules/idb/', join(root, 'node_modules/idb'));
  server.route('GET', '/api/typo/1', json({ ok: 1 }));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

it('reports the undefined alias once, at start, naming the route and the defined aliases', async () => {
  const page = await browser.newPage();
  await page.goto(server.url('/'));
  await page.evaluate(() => navigator.serviceWorker.register('/sw.js'));
  await waitForController(page);
  // A string, so the test runner's transform cannot rewrite the dynamic import.
  await page.evaluate("import('/dist/page.js').then((m) => { window.cachettePage = m; })");
  const result = await page.evaluate(async () => {
    const { requestWorkerSnapshot } = (window as unknown as { cachettePage: typeof import('cachette/page') }).cachettePage;
    const before = (await requestWorkerSnapshot())?.errors.map((e) => `${e.context} | ${e.message}`);
    const status = (await fetch('/api/typo/1')).status;
    return { before, status };
  });
  expect(result.status).toBe(200);
  expect(result.before).toHaveLength(1);
  expect(result.before![0]).toMatch(
    /^checking the worker's routes against defineCaches \| .*the route \S*\/api\/typo\/\*\S* \(cacheRoutes\) uses the cache alias 'pagse', which defineCaches does not define \(defined: 'default', 'pages'\)/,
  );
  await page.close();
});
