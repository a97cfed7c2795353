// npm run demo:measure: the demo's before/after table, measured in headless Chromium.
// Starts the demo (Vite, on 127.0.0.1 and a free port), then walks the blog as a reader:
// articles → an author → back → my articles, signed in as alice, with caching off and on,
// cold (a fresh browser profile: the first visit) and warm (the same walk again at once).
// Prints a markdown table and writes demo/results.json. Stops by itself.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { CHROME_ARGS, findChrome } from '../scripts/chrome-path.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const RUNS = Math.max(1, Number(process.env.DEMO_RUNS) || 3);
const STEP_TIMEOUT = 20_000;
process.env.DEMO_QUERY_MS ??= '10';

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

/** What the strip says about the shown view, once render number `after` + 1 is shown. */
async function nextView(page, after) {
  await page.waitForFunction((n) => Number(document.querySelector('#numbers')?.dataset.renders ?? 0) > n, after, { timeout: STEP_TIMEOUT });
  return page.evaluate(() => {
    const d = document.querySelector('#numbers').dataset;
    return { view: d.view, requests: +d.requests, workerHits: +d.workerHits, pageHits: +d.pageHits, queries: +d.queries, ms: +d.ms, renders: +d.renders };
  });
}

async function serverStats(origin, reset = false) {
  const response = await fetch(`${origin}/api/_stats`, { method: reset ? 'POST' : 'GET' });
  return response.json();
}

/** One walk in `page`; returns the cost of each view and what reached the server. */
async function walk(page, origin) {
  await serverStats(origin, true);
  const views = [];
  await page.goto(`${origin}/`);
  views.push(await nextView(page, 0));
  let last = views.at(-1).renders;
  await page.locator('.top a', { hasText: 'alice' }).click();
  views.push((last = await nextView(page, last)));
  last = last.renders;
  await page.goBack();
  views.push((last = await nextView(page, last)));
  last = last.renders;
  await page.getByRole('link', { name: 'My articles' }).click();
  views.push(await nextView(page, last));
  const server = await serverStats(origin);
  return { views, server: { requests: server.requests, queries: server.queries } };
}

async function measure(origin, caching) {
  const profile = await mkdtemp(join(tmpdir(), 'cachette-demo-measure-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: findChrome(), args: CHROME_ARGS, headless: true, viewport: { width: 1280, height: 900 } });
  try {
    await context.addCookies([{ name: 'demo_user', value: 'alice', url: origin }]);
    await context.addInitScript((mode) => localStorage.setItem('demo:caching', mode), caching);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    const cold = await walk(page, origin);
    const warm = await walk(page, origin);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return { cold, warm };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  if (!findChrome()) throw new Error('no Chromium found: run node scripts/ensure-chromium.mjs or set CHROME_PATH');
  const port = await freePort();
  const server = await createServer({
    configFile: join(here, 'vite.config.ts'),
    logLevel: 'warn',
    server: { host: '127.0.0.1', port, strictPort: true, hmr: false },
  });
  const watchdog = setTimeout(() => {
    console.error('demo:measure: gave up after 180 s');
    process.exit(1);
  }, 180_000);
  try {
    await server.listen();
    const origin = `http://127.0.0.1:${port}`;
    // Warm Vite's own transform cache once, so the first measured walk is not Vite's first.
    await measure(origin, 'off');
    const rows = [];
    for (const caching of ['off', 'on']) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(origin, caching));
      for (const pass of ['cold', 'warm']) {
        const first = runs[0][pass];
        const views = first.views.map((view, i) => ({ ...view, ms: median(runs.map((r) => r[pass].views[i].ms)) }));
        rows.push({
          caching,
          pass,
          requests: first.server.requests,
          queries: first.server.queries,
          fromWorker: views.reduce((n, v) => n + v.workerHits, 0),
          pageHits: views.reduce((n, v) => n + v.pageHits, 0),
          ms: views.reduce((n, v) => n + v.ms, 0),
          views: views.map(({ renders, ...view }) => view),
        });
      }
    }
    const lines = [
      `Articles → alice → back → my articles (4 views), signed in as alice; ${process.env.DEMO_QUERY_MS} ms per SQL query; median of ${RUNS} runs.`,
      '',
      '| caching | visit | API requests to the server | SQL queries | answered by the worker | page-cache hits | ms (4 views) |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map((r) => `| ${r.caching} | ${r.pass} | ${r.requests} | ${r.queries} | ${r.fromWorker} | ${r.pageHits} | ${r.ms} |`),
      '',
      'Per view (requests / queries / ms):',
      '',
      '| caching | visit | ' + rows[0].views.map((v) => v.view).join(' | ') + ' |',
      '| --- | --- |' + rows[0].views.map(() => ' ---: |').join(''),
      ...rows.map((r) => `| ${r.caching} | ${r.pass} | ${r.views.map((v) => `${v.requests} / ${v.queries} / ${v.ms}`).join(' | ')} |`),
    ];
    console.log(lines.join('\n'));
    const results = { measuredAt: new Date().toISOString(), queryMs: Number(process.env.DEMO_QUERY_MS), runs: RUNS, walk: ['/', '/authors/alice', 'back', '/me'], rows };
    await writeFile(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log('\nwrote demo/results.json');
  } finally {
    clearTimeout(watchdog);
    await server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
