/**
 * The demo, as a reader uses it: the blog served by `vite` with demo/vite.config.ts (its API
 * on SQLite, its worker built by cachette/vite), in real Chromium. What reached the API is
 * counted at the server (`/api/_stats`); the rest is what the pages show.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, waitForController, type TestBrowser } from './support/browser.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Stats {
  requests: number;
  queries: number;
}

const eventually = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 8000, interval: 50 });

/** Runs `action` (a click, a goto, back), then waits until a new view with `heading` is shown. */
async function step(page: Page, action: () => Promise<unknown>, heading: string): Promise<void> {
  // The view in #view is replaced by each render (and gone after a reload): mark it as old.
  await page.evaluate(() => document.querySelectorAll('#view > *').forEach((el) => el.setAttribute('data-old', '')));
  await action();
  await eventually(() => page.evaluate(() => document.querySelector('#view > [data-old]') === null && document.querySelector('#view > *') !== null)).toBe(true);
  await expect.poll(() => page.locator('main h1').first().textContent()).toContain(heading);
}

/** The demo's Vite dev server on a free loopback port, as `npm run demo` serves it. */
async function startDemo(): Promise<{ server: ViteDevServer; origin: string }> {
  process.env.DEMO_QUERY_MS = '2';
  const server = await createServer({
    configFile: join(root, 'demo/vite.config.ts'),
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, hmr: false },
  });
  await server.listen();
  return { server, origin: `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}` };
}

describe('the demo blog in Chromium', () => {
  let server: ViteDevServer;
  let origin: string;
  let browser: TestBrowser;
  const pageErrors: string[] = [];
  const stats = async (reset = false): Promise<Stats> => (await fetch(`${origin}/api/_stats`, { method: reset ? 'POST' : 'GET' })).json() as Promise<Stats>;
  const renders = (page: Page) => page.locator('#numbers').evaluate((el) => Number((el as HTMLElement).dataset.renders ?? 0));
  const count = async (page: Page) => Number(await page.locator('#authors-count').textContent());

  async function open(path = '/', profile = browser): Promise<Page> {
    const page = await profile.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(`${origin}${path}`);
    await waitForController(page);
    await eventually(() => renders(page)).toBeGreaterThan(0);
    return page;
  }

  /** Articles → alice → back → my articles; returns what reached the API. */
  async function walk(page: Page): Promise<Stats> {
    await stats(true);
    await step(page, () => page.goto(`${origin}/`), 'Articles');
    await step(page, () => page.locator('.top a', { hasText: 'alice' }).click(), 'alice');
    await step(page, () => page.goBack(), 'Articles');
    await step(page, () => page.getByRole('link', { name: 'My articles' }).click(), 'My articles');
    return stats();
  }

  beforeAll(async () => {
    ({ server, origin } = await startDemo());
    browser = await launchBrowser();
    await browser.context.addCookies([{ name: 'demo_user', value: 'alice', url: origin }]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a warm visit makes fewer API requests and SQL queries than the cold one', async () => {
    const page = await open('/');
    const cold = await walk(page);
    const warm = await walk(page);
    expect(cold.requests).toBeGreaterThan(0);
    expect(cold.queries).toBeGreaterThan(cold.requests);
    expect(warm.requests).toBeLessThan(cold.requests);
    expect(warm.queries).toBeLessThan(cold.queries);
    // What the strip says of the last view (my articles, warm): nothing reached the database.
    expect(await page.locator('#numbers').getAttribute('data-queries')).toBe('0');
    // With caching off, the same walk costs the full price again, every time.
    await page.getByLabel('Caching').uncheck();
    const off = await walk(page);
    expect(off.requests).toBeGreaterThanOrEqual(cold.requests);
    expect(off.queries).toBeGreaterThanOrEqual(cold.queries);
    await page.getByLabel('Caching').check();
    await page.close();
  });

  it('alice never sees bob’s personal fragment', async () => {
    const mine = async (user: string) =>
      ((await (await fetch(`${origin}/api/me/articles`, { headers: { Cookie: `demo_user=${user}` } })).json()) as { articles: { title: string }[] }).articles.map((a) => a.title);
    const alices = new Set(await mine('alice'));
    const bobOnly = (await mine('bob')).filter((title) => !alices.has(title));
    expect(bobOnly.length).toBeGreaterThan(0);
    const page = await open('/');
    const corner = page.locator('[aria-label="Your corner"]');
    const user = page.getByLabel('Signed-in user');
    for (const who of ['alice', 'bob', 'alice', 'bob', 'alice']) {
      await user.selectOption(who);
      await eventually(() => corner.locator('.who').textContent()).toBe(who);
      const shown = await corner.locator('.mine li').allTextContents();
      if (who === 'alice') for (const title of bobOnly.slice(0, 3)) expect(shown).not.toContain(title);
    }
    await step(page, () => page.getByRole('link', { name: 'My articles' }).click(), 'My articles');
    await eventually(() => page.locator('main .who').textContent()).toBe('alice');
    const titles = await page.locator('main .articles .title').allTextContents();
    expect(titles).toEqual((await mine('alice')).slice(0, titles.length));
    await user.selectOption('bob');
    await eventually(() => page.locator('main .who').textContent()).toBe('bob');
    await user.selectOption('alice');
    await eventually(() => page.locator('main .who').textContent()).toBe('alice');
    expect(await page.locator('main .articles .title').allTextContents()).toEqual(titles);

    // alice publishes: her list shows it at once; bob's never does.
    const title = `Keeping alice's cache apart from bob's (${Date.now() % 1000})`;
    await page.getByLabel('Title').fill(title);
    await step(page, () => page.getByRole('button', { name: 'Publish' }).click(), 'My articles');
    await eventually(() => page.locator('main .articles .title').first().textContent()).toBe(title);
    await user.selectOption('bob');
    await eventually(() => page.locator('main .who').textContent()).toBe('bob');
    expect(await page.locator('main .articles .title').allTextContents()).not.toContain(title);
    await step(page, () => page.getByRole('link', { name: 'Articles', exact: true }).click(), 'Articles');
    await eventually(() => page.locator('main .articles .title').first().textContent()).toBe(title);
    expect(await corner.locator('.mine li').allTextContents()).not.toContain(title);
    await user.selectOption('alice');
    await eventually(() => corner.locator('.mine li').first().textContent()).toBe(title);
    await page.close();
  });

  it('the authors count changes at once after a create and a delete, in every open tab', async () => {
    const first = await open('/');
    const second = await open('/');
    const before = await count(first);
    expect(await count(second)).toBe(before);
    const username = `zoe${Date.now() % 100000}`;

    await first.getByLabel("New author's username").fill(username);
    await first.getByRole('button', { name: 'Create author' }).click();
    await eventually(() => count(first)).toBe(before + 1);
    await eventually(() => count(second)).toBe(before + 1);
    const third = await open('/');
    expect(await count(third)).toBe(before + 1);

    await step(first, () => first.goto(`${origin}/authors/${username}`), username);
    await expect.poll(() => first.locator('main').textContent()).toContain('No articles yet');
    await step(first, () => first.getByRole('button', { name: `Delete ${username}` }).click(), 'Articles');
    await eventually(() => count(first)).toBe(before);
    await eventually(() => count(second)).toBe(before);
    await eventually(() => count(third)).toBe(before);
    for (const page of [first, second, third]) await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('bob adds an author in another browser: alice’s open tab shows the new count without a reload, and her worker does not serve the old one', async () => {
    const alice = await open('/');
    // Connected to the API's invalidation hub (what it publishes before this is not replayed to a first connection).
    await eventually(() => alice.locator('#push-status').getAttribute('data-state')).toBe('on');
    const before = await count(alice);
    // Alice's worker holds the count (max-age=60 from the API): without the push it would answer the old one for a minute.
    const fromAlicesWorker = () =>
      alice.evaluate(async () => {
        const response = await fetch('/api/authors/count');
        return { count: ((await response.json()) as { count: number }).count, fromWorker: response.headers.has('Age') };
      });
    // Coming back may replay events an earlier tab applied but closed before recording (at least
    // once, by design), which drops the count: the first read stores it again if so.
    await fromAlicesWorker();
    expect(await fromAlicesWorker()).toEqual({ count: before, fromWorker: true });
    await alice.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const rendersBefore = await renders(alice);
    // Alice is halfway through typing: the re-render must not eat it.
    await alice.getByLabel("New author's username").fill('half');

    // Bob: another browser profile, its own caches and worker.
    const bobsBrowser = await launchBrowser();
    try {
      await bobsBrowser.context.addCookies([{ name: 'demo_user', value: 'bob', url: origin }]);
      const bob = await open('/', bobsBrowser);
      const username = `yan${Date.now() % 100000}`;
      await bob.getByLabel("New author's username").fill(username);
      await bob.getByRole('button', { name: 'Create author' }).click();
      await eventually(() => count(bob)).toBe(before + 1);

      // Alice did nothing: the hub pushed the change, her tab re-rendered the list.
      await eventually(() => count(alice)).toBe(before + 1);
      expect(await renders(alice)).toBeGreaterThan(rendersBefore);
      expect(await alice.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
      expect(await alice.getByLabel("New author's username").inputValue()).toBe('half');
      expect((await fromAlicesWorker()).count).toBe(before + 1);
      // A new tab of hers (the page cache, then the worker) agrees.
      const again = await open('/');
      expect(await count(again)).toBe(before + 1);

      // Bob deletes it: Alice's count goes back, again without a reload.
      await step(bob, () => bob.goto(`${origin}/authors/${username}`), username);
      await step(bob, () => bob.getByRole('button', { name: `Delete ${username}` }).click(), 'Articles');
      await eventually(() => count(alice)).toBe(before);
      await eventually(() => count(again)).toBe(before);
      expect((await fromAlicesWorker()).count).toBe(before);
      for (const page of [alice, again, bob]) await page.close();
    } finally {
      await bobsBrowser.close();
    }
    expect(pageErrors).toEqual([]);
  });

  it('the before/after page runs the same walk with caching off and on, cold and warm', async () => {
    const page = await open('/numbers');
    await page.getByRole('button', { name: 'Run the comparison' }).click();
    const rows = page.locator('table.comparison tbody tr');
    await eventually(() => rows.count()).toBe(4);
    const cell = async (row: number, column: number) => Number(await rows.nth(row).locator('td').nth(column).textContent());
    const [offCold, offWarm, onCold, onWarm] = [0, 1, 2, 3];
    expect(await rows.nth(onWarm).locator('th').textContent()).toBe('caching on, warm');
    // Requests and queries: caching off costs the same twice; on, the warm walk costs less than the cold one.
    expect(await cell(offWarm, 0)).toBe(await cell(offCold, 0));
    expect(await cell(offWarm, 1)).toBe(await cell(offCold, 1));
    expect(await cell(onCold, 1)).toBeLessThan(await cell(offCold, 1));
    expect(await cell(onWarm, 0)).toBeLessThan(await cell(onCold, 0));
    expect(await cell(onWarm, 1)).toBe(0);
    // The switch is left as it was (on).
    expect(await page.getByLabel('Caching').isChecked()).toBe(true);
    if (process.env.CACHETTE_SCREENSHOTS) {
      await page.setViewportSize({ width: 1280, height: 560 });
      await page.screenshot({ path: join(root, 'docs/demo-numbers.png') });
    }
    await page.close();
  });

  it('shows the list and the panel (CACHETTE_SCREENSHOTS=1 keeps the pictures in docs/)', async () => {
    const outDir = process.env.CACHETTE_SCREENSHOTS ? join(root, 'docs') : await mkdtemp(join(tmpdir(), 'cachette-demo-shots-'));
    await mkdir(outDir, { recursive: true });
    const page = await open('/');
    await page.setViewportSize({ width: 1280, height: 860 });
    await step(page, () => page.goto(`${origin}/`), 'Articles');
    await eventually(() => page.locator('#numbers').getAttribute('data-view')).toBe('articles');
    expect((await page.screenshot({ path: join(outDir, 'demo-list.png') })).length).toBeGreaterThan(20_000);
    await page.getByRole('button', { name: 'Cachette devtools' }).click();
    await eventually(() => page.getByRole('button', { name: 'Clear all', exact: true }).isVisible()).toBe(true);
    const api = page.locator('section[aria-label="Cache api"]');
    await eventually(() => api.locator('td .key').count()).toBeGreaterThan(2);
    // Show the worker's API entries: the route table at work.
    await api.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(300);
    expect((await page.screenshot({ path: join(outDir, 'demo-panel.png') })).length).toBeGreaterThan(20_000);
    // Clear all, from the panel: the next view goes back to the database.
    await page.getByRole('button', { name: 'Clear all', exact: true }).click();
    await stats(true);
    await step(page, () => page.locator('.top a', { hasText: 'alice' }).click(), 'alice');
    expect((await stats()).queries).toBeGreaterThan(0);
    await page.close();
    if (!process.env.CACHETTE_SCREENSHOTS) await rm(outDir, { recursive: true, force: true });
    expect(pageErrors).toEqual([]);
  });
});

describe('the demo blog offline', () => {
  let server: ViteDevServer | undefined;
  let origin: string;
  let browser: TestBrowser;

  beforeAll(async () => {
    ({ server, origin } = await startDemo());
    browser = await launchBrowser();
    await browser.context.addCookies([{ name: 'demo_user', value: 'alice', url: origin }]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a reload with the server stopped renders the blog from the caches, and a visited author page opens', async () => {
    const pageErrors: string[] = [];
    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    // A first visit: the page loads before its worker exists, then hands its files to it.
    await page.goto(`${origin}/`);
    await waitForController(page);
    await eventually(() => page.locator('#worker-status').getAttribute('data-offline')).toBe('ready');
    await eventually(() => page.locator('main .articles .title').count()).toBeGreaterThan(0);
    // A couple of views, by the app's own links (no reload): their API responses are stored.
    await step(page, () => page.locator('.top a', { hasText: 'alice' }).click(), 'alice');
    const alicesArticles = await page.locator('main .articles .title').allTextContents();
    expect(alicesArticles.length).toBeGreaterThan(0);
    await step(page, () => page.getByRole('link', { name: 'Articles', exact: true }).click(), 'Articles');
    const titles = await page.locator('main .articles .title').allTextContents();
    const authors = await page.locator('#authors-count').textContent();
    const top = await page.locator('.top li').allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    expect(top.join(' ')).toMatch(/alice \d+ articles/);

    // The server stops: its port refuses connections.
    await server!.close();
    server = undefined;
    await expect(fetch(`${origin}/`)).rejects.toThrow();

    await step(page, () => page.reload(), 'Articles');
    await eventually(() => page.locator('main .articles .title').allTextContents()).toEqual(titles);
    expect(await page.locator('#authors-count').textContent()).toBe(authors);
    expect(await page.locator('.top li').allTextContents()).toEqual(top);
    // The author page's data comes from the worker's API cache (the page caches only the list's fragments).
    await step(page, () => page.locator('.top a', { hasText: 'alice' }).click(), 'alice');
    expect(await page.locator('main .articles .title').allTextContents()).toEqual(alicesArticles);
    expect(await page.locator('#numbers').getAttribute('data-worker-hits')).toBe('1');
    expect(await page.locator('#numbers').getAttribute('data-requests')).toBe('0');
    // Reloaded there, a page the browser never loaded as a page: the worker answers it with the app shell.
    await step(page, () => page.reload(), 'alice');
    expect(await page.locator('main .articles .title').allTextContents()).toEqual(alicesArticles);
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
