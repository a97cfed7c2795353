/**
 * The devtools panel in real Chromium, with a real worker built by the package's Vite
 * plugin: page and worker aliases, live countdowns and counters, the clear and delete
 * buttons (through the public invalidation API, so the worker applies them too), site data
 * cleared through the DevTools protocol while the panel is open, and the Chrome extension's
 * panel page driving the page through its hook (with `chrome.devtools` bridged to the page).
 *
 * CACHETTE_SCREENSHOTS=1 also writes docs/devtools-light.png (the caches) and
 * docs/devtools-dark.png (scrolled to the worker's entries and route table), 1280 px wide,
 * and docs/devtools-phone.png, docs/devtools-phone-worker.png (the caches, then the route
 * table, 390 px wide).
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdp, clearOrigin, launchBrowser, waitForController, type TestBrowser } from './support/browser.js';
import { BLANK_PAGE, buildWorker } from './support/build-worker.js';
import { json, startServer, text, type TestServer } from './support/server.js';
// @ts-expect-error: a plain ES module script without types
import { buildPanel } from '../../devtools/extension/build.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the devtools panel in Chromium', () => {
  let tmp: string;
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  /** Runs `body` in the page as an async function with `c` = 'cachette' and `d` = 'cachette/devtools'. */
  const run = <T = unknown>(target: Page, body: string): Promise<T> =>
    target.evaluate(`(async () => { const c = window.cachette; const d = window.devtools; ${body} })()`) as Promise<T>;

  const section = (alias: string, on: Page = page) => on.locator(`section[aria-label="Cache ${alias}"]`);
  const keys = (alias: string, on: Page = page) => section(alias, on).locator('td .key').allTextContents();
  const clear = (name: string, on: Page = page) => on.getByRole('button', { name, exact: true });
  const eventually = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 5000, interval: 50 });

  async function openApp(): Promise<Page> {
    const p = await browser.newPage();
    p.on('pageerror', (error) => pageErrors.push(String(error)));
    await p.goto(server.url('/'));
    await waitForController(p);
    await p.evaluate(`Promise.all([import('/dist/index.js'), import('/dist/devtools.js')]).then(([c, d]) => {
      window.cachette = c;
      window.devtools = d;
      c.defineCaches({
        default: { backend: 'idb', location: 'dt' },
        fragments: { backend: 'idb', location: 'dt-frag', keyPrefix: 'frag', timeout: 900 },
        session: { backend: 'memory', timeout: null },
      });
    })`);
    return p;
  }

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'cachette-devtools-'));
    const dir = await buildWorker(fileURLToPath(new URL('sw/devtools-worker.ts', import.meta.url)), join(tmp, 'w'));
    await writeFile(join(dir, 'index.html'), BLANK_PAGE);
    const ext = join(tmp, 'ext');
    await mkdir(ext, { recursive: true });
    await buildPanel(ext);
    await copyFile(join(root, 'devtools/extension/panel.html'), join(ext, 'panel.html'));
    server = await startServer();
    server.static('/', dir);
    server.static('/dist/', join(root, 'dist'));
    server.static('/node_modules/idb/', join(root, 'node_modules/idb'));
    server.static('/ext/', ext);
    server.route('GET', '/api/authors/1', () => json({ id: 1, name: 'Ada' }, { headers: { 'Cache-Tag': 'author-1' } }));
    server.route('GET', '/api/authors/2', () => json({ id: 2, name: 'Grace' }));
    server.route('GET', '/api/authors/3', () => json({ id: 3, name: 'Hedy' }, { headers: { Vary: 'X-Lang' } }));
    server.route('GET', '/api/articles/5', () => json({ id: 5, title: 'Caching' }));
    server.route('GET', '/blog/feed.xml', () => text('<rss/>', { headers: { 'Content-Type': 'application/rss+xml' } }));
    browser = await launchBrowser();
    const first = await browser.newPage();
    await first.goto(server.url('/'));
    await first.evaluate(`navigator.serviceWorker.register('/sw.js')`);
    await waitForController(first);
    await first.close();
    page = await openApp();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('mounts, and lists page aliases, worker aliases and their keys', async () => {
    await run(page, `
      await c.getCache().set('greeting', 'hello', 30, { tags: ['words'] });
      await c.getCache('fragments').set('sidebar', '<nav>…</nav>');
      await c.getCache('session').set('user', { name: 'ada' });
      await fetch('/api/authors/1');
      window.unmountDevtools = d.mountDevtools({ open: true, refreshMs: 400, theme: 'light' });
    `);
    await eventually(() => page.locator('cachette-devtools').count()).toBe(1);
    for (const alias of ['default', 'fragments', 'session', 'api', 'site']) await eventually(() => clear(`Clear ${alias}`).isVisible()).toBe(true);
    await eventually(() => clear('Clear all').isVisible()).toBe(true);
    await eventually(() => keys('default')).toEqual(['greeting']);
    await eventually(() => keys('session')).toEqual(['user']);
    await eventually(() => keys('api')).toEqual(['/api/authors/1']);
    const badges = await section('default').locator('.badge').allTextContents();
    expect(badges).toEqual(['page', 'worker']);
    await eventually(() => section('api').textContent()).toContain('via /api/authors/:id');
    await eventually(() => section('api').textContent()).toContain('author-1');
    await eventually(() => page.locator('table[aria-label="Worker routes"]').textContent()).toContain('/api/authors/:id');
    await eventually(() => page.locator('cachette-devtools .state').textContent()).toContain('Controls this page');
  });

  it('ticks a countdown and moves hit counters without any click', async () => {
    const ttl = section('default').locator('tr', { hasText: 'greeting' }).locator('td.ttl');
    const before = await ttl.textContent();
    expect(before).toMatch(/^\d+s$/);
    await eventually(() => ttl.textContent()).not.toBe(before);

    const routeHits = page.locator('table[aria-label="Worker routes"] tr', { hasText: '/api/authors/:id' }).locator('td').nth(4);
    const hitsBefore = Number(await routeHits.textContent());
    await run(page, `await fetch('/api/authors/1');`);
    await eventually(async () => Number(await routeHits.textContent())).toBe(hitsBefore + 1);

    const pageStats = section('default').locator('.stats span', { hasText: 'idb' }).first();
    await run(page, `await c.getCache().get('greeting'); await c.getCache().get('greeting');`);
    await eventually(() => pageStats.textContent()).toContain('2 hits');
  });

  it('Clear <alias> empties only that cache, in the worker too', async () => {
    await run(page, `await fetch('/api/articles/5'); await fetch('/blog/feed.xml');`);
    await eventually(() => keys('api')).toHaveLength(3);
    const siteBefore = (await keys('site')).length;
    expect(siteBefore).toBeGreaterThan(0);
    await clear('Clear api').click();
    await eventually(() => keys('api')).toEqual([]);
    expect(await run(page, `return (await (await caches.open('cachette:dt-api')).keys()).length;`)).toBe(0);
    expect(await keys('default')).toEqual(['greeting']);
    expect((await keys('site')).length).toBe(siteBefore);
    expect(await run(page, `return c.getCache('fragments').get('sidebar');`)).toBe('<nav>…</nav>');
  });

  it('deletes one entry, page-side and worker-side', async () => {
    await run(page, `await c.getCache().set('a', 1); await c.getCache().set('b', 2); await fetch('/api/authors/2'); await fetch('/api/articles/5');`);
    await eventually(() => keys('default')).toEqual(['a', 'b', 'greeting']);
    await page.getByRole('button', { name: 'Delete a', exact: true }).click();
    await eventually(() => keys('default')).toEqual(['b', 'greeting']);
    expect(await run(page, `return [await c.getCache().get('a'), await c.getCache().get('b')];`)).toEqual([undefined, 2]);

    await eventually(() => keys('api')).toContain('/api/authors/2');
    await page.getByRole('button', { name: 'Delete /api/authors/2', exact: true }).click();
    await eventually(() => keys('api')).toEqual(['/api/articles/5']);
    server.resetHits();
    await run(page, `await fetch('/api/authors/2');`);
    expect(server.hits('GET /api/authors/2')).toBe(1);
  });

  it('names a route by its pattern on either side, and counts rows, not the Vary lists folded into them', async () => {
    // A response varied on X-Lang: stored under its varied key, and the URL's Vary list beside it.
    await run(page, `await fetch('/api/authors/3', { headers: { 'X-Lang': 'fr' } });`);
    await eventually(() => keys('api')).toContain('/api/authors/3');
    const rows = (await keys('api')).length;
    await eventually(() => section('api').locator('.head .muted').textContent()).toBe(`${rows} ${rows === 1 ? 'entry' : 'entries'}`);
    await eventually(() => section('api').locator('.stats').textContent()).toContain(`${rows} ${rows === 1 ? 'entry' : 'entries'} (+1 Vary list)`);
    // A route's entry in the IndexedDB store the page shares with the worker, read by the page: no route id shown.
    await run(page, `await c.getCache().set('todos', [], 60, { tags: ['cachette:route:route:1.0:/api/todos', 'cachette:url:' + location.origin + '/api/todos'] });`);
    await eventually(() => keys('default')).toContain('/api/todos');
    const todos = section('default').locator('tr', { hasText: '/api/todos' });
    await eventually(() => todos.locator('.sub').textContent()).toBe('via /api/todos');
  });

  it('Clear all empties every cache', async () => {
    await eventually(() => keys('api')).toContain('/api/authors/2');
    await clear('Clear all').click();
    for (const alias of ['default', 'fragments', 'session', 'api', 'site']) await eventually(() => keys(alias)).toEqual([]);
    expect(await run(page, `return c.getCache('session').get('user');`)).toBeUndefined();
  });

  it('recovers when site data is cleared through the DevTools protocol while it is open', async () => {
    await run(page, `await c.getCache().set('before', 1); await c.getCache('fragments').set('f', 2); await fetch('/api/authors/1');`);
    await eventually(() => keys('api')).toHaveLength(1);
    await eventually(() => keys('default')).toEqual(['before']);
    const session = await cdp(page);
    await clearOrigin(session, server.origin, 'indexeddb,cache_storage');
    await session.detach();
    await eventually(() => keys('default')).toEqual([]);
    await eventually(() => keys('fragments')).toEqual([]);
    await eventually(() => keys('api')).toEqual([]);
    // The app keeps working: the database reopens, and the panel shows what it writes.
    expect(await run(page, `await c.getCache().set('after', 'ok'); return c.getCache().get('after');`)).toBe('ok');
    await eventually(() => keys('default')).toEqual(['after']);
    await run(page, `await fetch('/api/authors/1');`);
    await eventually(() => keys('api')).toHaveLength(1);
    await eventually(() => clear('Clear all').isEnabled()).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('unmount removes the element', async () => {
    await run(page, `window.unmountDevtools();`);
    await eventually(() => page.locator('cachette-devtools').count()).toBe(0);
    expect(await page.evaluate(`document.body.innerHTML.trim()`)).toBe('');
  });

  it('the extension’s panel page shows the page through the hook and clears through it', async () => {
    await run(page, `window.uninstallHook = d.installDevtoolsHook(); await c.getCache().set('hooked', 1); await c.getCache('session').set('s', 1);`);
    const panel = await browser.newPage();
    panel.on('pageerror', (error) => pageErrors.push(`panel: ${String(error)}`));
    // chrome.devtools.inspectedWindow.eval, bridged to the app's page.
    await panel.exposeFunction('__inspect', (expression: string) => page.evaluate(expression));
    await panel.addInitScript(() => {
      const bridge = (window as unknown as { __inspect: (e: string) => Promise<unknown> }).__inspect;
      (window as unknown as { chrome: unknown }).chrome = {
        devtools: {
          panels: { themeName: 'dark' },
          inspectedWindow: {
            eval(expression: string, _options: object, callback: (r: unknown, e?: unknown) => void) {
              bridge(expression).then(
                (result) => callback(result),
                (error: unknown) => callback(undefined, { isException: true, value: String(error) }),
              );
            },
          },
        },
      };
    });
    await panel.goto(server.url('/ext/panel.html'));
    await eventually(() => keys('default', panel)).toContain('hooked');
    await eventually(() => keys('session', panel)).toEqual(['s']);
    await clear('Clear session', panel).click();
    await eventually(() => keys('session', panel)).toEqual([]);
    expect(await run(page, `return [await c.getCache('session').get('s'), await c.getCache().get('hooked')];`)).toEqual([undefined, 1]);
    await panel.close();
    await run(page, `window.uninstallHook();`);
    expect(await page.evaluate(`'__CACHETTE_DEVTOOLS__' in window`)).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it('renders both themes with realistic data (CACHETTE_SCREENSHOTS=1 keeps the pictures in docs/)', async () => {
    const outDir = process.env.CACHETTE_SCREENSHOTS ? join(root, 'docs') : await mkdtemp(join(tmpdir(), 'cachette-shots-'));
    await mkdir(outDir, { recursive: true });
    const shot = await openApp();
    await shot.setViewportSize({ width: 1280, height: 760 });
    await run(shot, `
      document.body.style.cssText = 'margin:0;font:15px system-ui;background:#f3f4f6';
      document.body.innerHTML = '<main style="max-width:640px;margin:40px auto;padding:0 24px;color:#374151"><h1>The blog</h1><p>Posts, authors and a sidebar, cached by Cachette.</p></main>';
      await c.invalidate({ all: true });
      await c.getCache().set('authors-count', 42, 300, { tags: ['authors'] });
      await c.getCache().set('top-authors', [{ id: 1, name: 'Ada' }, { id: 2, name: 'Grace' }], 600, { tags: ['authors'] });
      await c.getCache().set('settings', { theme: 'dark', lang: 'en' }, null);
      await c.getCache('fragments').set(c.makeFragmentKey('sidebar', ['ada']), '<nav>' + 'x'.repeat(1800) + '</nav>', 900, { tags: ['vary:ada'] });
      await c.getCache('fragments').set(c.makeFragmentKey('footer'), '<footer>…</footer>', 45);
      await c.getCache('session').set('cart', { items: 3 });
      for (const path of ['/', '/dist/index.js', '/api/authors/1', '/api/authors/2', '/api/articles/5', '/blog/feed.xml', '/api/authors/1', '/api/authors/1']) await fetch(path);
      await c.getCache().get('authors-count'); await c.getCache().get('top-authors'); await c.getCache().get('missing');
    `);
    for (const theme of ['light', 'dark'] as const) {
      await run(shot, `window.stopShot?.(); localStorage.clear(); window.stopShot = d.mountDevtools({ open: true, theme: '${theme}' });`);
      await eventually(() => keys('api', shot)).toHaveLength(4);
      await shot.waitForTimeout(300);
      // Light shows the caches from the top; dark, scrolled down, the worker's entries and route table.
      if (theme === 'dark') await shot.locator('cachette-devtools .body').evaluate((el) => el.scrollTo(0, el.scrollHeight));
      const background = await shot.locator('cachette-devtools .panel').evaluate((el) => getComputedStyle(el).backgroundColor);
      const [r = 0, g = 0, b = 0] = (background.match(/\d+/g) ?? []).map(Number);
      // The theme is applied: a light panel is light, a dark one dark.
      expect((r + g + b) / 3 > 128, `${theme}: ${background}`).toBe(theme === 'light');
      const png = await shot.screenshot({ path: join(outDir, `devtools-${theme}.png`) });
      expect(png.length).toBeGreaterThan(10_000);
    }
    // A phone: the key column takes the room (no Ver or Tags column, tags under the key), keys wrap, never "/ap…".
    await run(shot, `window.stopShot?.(); localStorage.clear(); window.stopShot = d.mountDevtools({ open: true, theme: 'light' });`);
    await shot.setViewportSize({ width: 390, height: 844 });
    await eventually(() => keys('api', shot)).toHaveLength(4);
    await shot.waitForTimeout(300);
    for (const key of await section('api', shot).locator('td .key').all()) {
      const fits = await key.evaluate((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().width > 120);
      expect(fits, await key.textContent() ?? '').toBe(true);
    }
    await eventually(() => section('default', shot).locator('th', { hasText: 'Tags' }).isVisible()).toBe(false);
    await eventually(() => section('default', shot).locator('tr', { hasText: 'top-authors' }).locator('.tag', { hasText: 'authors' }).first().isVisible()).toBe(true);
    const phone = await shot.screenshot({ path: join(outDir, 'devtools-phone.png') });
    expect(phone.length).toBeGreaterThan(10_000);
    // Scrolled down: the worker's route table keeps its pattern, TTL and counters.
    await shot.locator('cachette-devtools .body').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await eventually(() => shot.locator('table[aria-label="Worker routes"] th', { hasText: 'Kind' }).isVisible()).toBe(false);
    await eventually(() => shot.locator('table[aria-label="Worker routes"] th', { hasText: 'Hits' }).isVisible()).toBe(true);
    await shot.screenshot({ path: join(outDir, 'devtools-phone-worker.png') });
    await shot.close();
    if (!process.env.CACHETTE_SCREENSHOTS) await rm(outDir, { recursive: true, force: true });
  });
});
