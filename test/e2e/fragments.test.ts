/**
 * `cacheFragment` and `<cache-fragment>` from the built 'cachette/page' in real Chromium,
 * over the `idb` backend: a fragment renders once and is restored on later calls, after a
 * reload and in another tab; vary-on values keep variants apart; cached scripts stay inert;
 * `invalidate` in one tab makes another render again. Each page counts its own renders.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { BLANK_PAGE } from './support/build-worker.js';
import { startServer, type TestServer } from './support/server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

declare global {
  interface Window {
    /** The built 'cachette' and 'cachette/page', loaded by `openPage`. */
    fragCore: typeof import('cachette');
    fragPage: typeof import('cachette/page');
    /** Renders done by this page load: a fresh page starts at 0. */
    fragRenders: number;
    /** Renders `<p>name for user</p>`, counting; the result's HTML once in a div. */
    fragShow(name: string, varyOn?: string[]): Promise<string>;
    fragInvalidations: number;
  }
}

let tmp: string;
let server: TestServer;
let browser: TestBrowser;
let unique = 0;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cachette-fragments-'));
  await writeFile(join(tmp, 'index.html'), BLANK_PAGE);
  server = await startServer();
  server.static('/', tmp);
  server.static('/dist/', join(root, 'dist'));
  server.static('/node_modules/idb/', join(root, 'node_modules/idb'));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Loads the built library into `page` (a new tab unless given) over the shared idb store. */
async function openPage(page?: Page): Promise<Page> {
  const tab = page ?? (await browser.newPage());
  await tab.goto(server.url('/'));
  // A string: vitest would rewrite an import() written inside a function passed to evaluate.
  await tab.evaluate(`Promise.all([import('/dist/index.js'), import('/dist/page.js')]).then(([core, lib]) => {
    window.fragCore = core;
    window.fragPage = lib;
  })`);
  await tab.evaluate(() => {
    window.fragCore.defineCaches({ default: { backend: 'idb', location: 'e2e-fragments' } });
    window.fragRenders = 0;
    window.fragShow = async (name, varyOn = []) => {
      const fragment = await window.fragPage.cacheFragment(
        name,
        600,
        () => {
          window.fragRenders += 1;
          const p = document.createElement('p');
          p.textContent = `${name} for ${varyOn.join(',') || 'anyone'}`;
          return p;
        },
        { varyOn },
      );
      const div = document.createElement('div');
      div.append(fragment);
      return div.innerHTML;
    };
  });
  return tab;
}

const renders = (page: Page): Promise<number> => page.evaluate(() => window.fragRenders);
const show = (page: Page, name: string, varyOn?: string[]): Promise<string> =>
  page.evaluate(([n, v]) => window.fragShow(n, v), [name, varyOn] as const);

describe('cacheFragment in real Chromium (idb)', () => {
  let a: Page;
  let b: Page;
  beforeAll(async () => {
    a = await openPage();
    b = await openPage();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('renders once, then restores on the next call and after a reload', async () => {
    const name = `top_author_${++unique}`;
    expect(await show(a, name, ['alice'])).toBe(`<p>${name} for alice</p>`);
    expect(await show(a, name, ['alice'])).toBe(`<p>${name} for alice</p>`);
    expect(await renders(a)).toBe(1);

    await openPage(a); // a reload: a fresh page, a fresh counter
    expect(await renders(a)).toBe(0);
    expect(await show(a, name, ['alice'])).toBe(`<p>${name} for alice</p>`);
    expect(await renders(a)).toBe(0);
    const key = await a.evaluate((n) => window.fragCore.makeFragmentKey(n, ['alice']), name);
    expect(await a.evaluate((k) => window.fragCore.getCache().has(k), key)).toBe(true);
  });

  it('keeps variants apart by varyOn', async () => {
    const name = `sidebar_${++unique}`;
    const before = await renders(a);
    expect(await show(a, name, ['alice'])).toBe(`<p>${name} for alice</p>`);
    expect(await show(a, name, ['bob'])).toBe(`<p>${name} for bob</p>`);
    expect(await show(a, name, ['alice'])).toBe(`<p>${name} for alice</p>`);
    expect(await show(a, name, ['bob'])).toBe(`<p>${name} for bob</p>`);
    expect((await renders(a)) - before).toBe(2);
  });

  it('restores in another tab what one tab rendered', async () => {
    const name = `shared_${++unique}`;
    const [beforeA, beforeB] = [await renders(a), await renders(b)];
    expect(await show(a, name, ['carol'])).toBe(`<p>${name} for carol</p>`);
    expect(await show(b, name, ['carol'])).toBe(`<p>${name} for carol</p>`);
    expect((await renders(a)) - beforeA).toBe(1);
    expect((await renders(b)) - beforeB).toBe(0);
  });

  it('never runs a script of cached HTML, even once inserted', async () => {
    const name = `scripted_${++unique}`;
    const ran = await b.evaluate(async (n) => {
      const w = window as unknown as { fragScriptRan?: string[] };
      w.fragScriptRan = [];
      const html = '<p>x</p><script>window.fragScriptRan.push("ran")</script><img src="data:," onerror="window.fragScriptRan.push(\'img\')">';
      // The rendering call (a string render is parsed) and a restore both stay inert.
      document.body.append(await window.fragPage.cacheFragment(n, 60, () => html));
      document.body.append(await window.fragPage.cacheFragment(n, 60, () => 'never'));
      // Control: a script the page inserts itself does run here.
      const control = document.createElement('script');
      control.textContent = 'window.fragScriptRan.push("control")';
      document.body.append(control);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { ran: w.fragScriptRan, scripts: document.querySelectorAll('script').length };
    }, name);
    // The onerror attribute is markup, not a script: it fires (as it would for any HTML the page inserts).
    expect(ran.ran.filter((r) => r !== 'img')).toEqual(['control']);
    expect(ran.scripts).toBeGreaterThanOrEqual(3);
  });

  it('<cache-fragment> renders in one tab and is restored in another', async () => {
    const name = `element_${++unique}`;
    const define = (page: Page) =>
      page.evaluate((n) => {
        document.body.innerHTML = `<cache-fragment name="${n}" vary-on='["dave"]' timeout="600" tags="authors">Loading…</cache-fragment>`;
        window.fragPage.defineFragment(n, (element) => {
          window.fragRenders += 1;
          return `<p>${n}: ${JSON.parse(element.getAttribute('vary-on') ?? '[]').join()}</p>`;
        });
      }, name);
    const state = (page: Page) =>
      page.waitForFunction(() => {
        const s = document.querySelector('cache-fragment')?.getAttribute('data-state');
        return s === 'loading' ? undefined : s;
      }).then((handle) => handle.jsonValue());
    const [beforeA, beforeB] = [await renders(a), await renders(b)];
    await define(a);
    expect(await state(a)).toBe('rendered');
    await define(b);
    expect(await state(b)).toBe('restored');
    expect(await b.evaluate(() => document.querySelector('cache-fragment')?.innerHTML)).toBe(`<p>${name}: dave</p>`);
    expect((await renders(a)) - beforeA).toBe(1);
    expect((await renders(b)) - beforeB).toBe(0);

    // refreshFragments after the entry is gone: rendered again.
    await b.evaluate(async (n) => {
      await window.fragCore.getCache().delete(window.fragCore.makeFragmentKey(n, ['dave']));
      await window.fragPage.refreshFragments();
    }, name);
    expect(await b.evaluate(() => document.querySelector('cache-fragment')?.getAttribute('data-state'))).toBe('rendered');
    expect((await renders(b)) - beforeB).toBe(1);
  });

  it('invalidate({ prefix }) in one tab makes the next call in another render again; onInvalidate + refreshFragments updates its elements', async () => {
    const name = `invalidated_${++unique}`;
    await show(a, name, ['erin']);
    await show(a, name, ['frank']);
    await b.evaluate((n) => {
      window.fragInvalidations = 0;
      window.fragCore.onInvalidate(() => {
        window.fragInvalidations += 1;
        void window.fragPage.refreshFragments();
      });
      document.body.innerHTML = `<cache-fragment name="${n}" vary-on="erin"></cache-fragment>`;
      window.fragPage.defineFragment(n, () => {
        window.fragRenders += 1;
        return `<p>${n} rendered in b #${window.fragRenders}</p>`;
      });
    }, name);
    await b.waitForFunction(() => document.querySelector('cache-fragment')?.getAttribute('data-state') === 'restored');
    expect(await b.evaluate(() => document.querySelector('cache-fragment')?.innerHTML)).toBe(`<p>${name} for erin</p>`);
    const beforeB = await renders(b);
    expect(await show(b, name, ['frank'])).toBe(`<p>${name} for frank</p>`);
    expect(await renders(b)).toBe(beforeB);

    await a.evaluate((n) => window.fragCore.invalidate({ prefix: `template.cache.${n}.` }), name);
    // The element re-renders when the message arrives…
    await b.waitForFunction(() => window.fragInvalidations > 0 && document.querySelector('cache-fragment')?.getAttribute('data-state') === 'rendered');
    expect(await b.evaluate(() => document.querySelector('cache-fragment')?.innerHTML)).toMatch(new RegExp(`^<p>${name} rendered in b #\\d+</p>$`));
    // …and every variant is gone: the next call renders.
    const afterElement = await renders(b);
    expect(await show(b, name, ['frank'])).toBe(`<p>${name} for frank</p>`);
    expect(await renders(b)).toBe(afterElement + 1);
  });
});
