/**
 * `register` and `onUpdate` from the built 'cachette/page', and the worker built by
 * 'cachette/vite', in real Chromium: the page is controlled once `register` resolves, its
 * fetches go through the worker, an updated worker waits and takes over on `activate()`, and
 * Vite's dev server serves a worker that controls the page.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { cachetteWorker } from 'cachette/vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdp, launchBrowser, waitForController, type TestBrowser } from './support/browser.js';
import { BLANK_PAGE, buildWorker } from './support/build-worker.js';
import { json, startServer, type TestServer } from './support/server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const workerSource = (name: string): string => fileURLToPath(new URL(`sw/${name}`, import.meta.url));

let tmp: string;
let server: TestServer;
let browser: TestBrowser;
const scripts: Record<'v1' | 'v2' | 'throws', string> = { v1: '', v2: '', throws: '' };
let serving: 'v1' | 'v2' = 'v1';

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cachette-register-'));
  const [v1, v2, throws] = await Promise.all([
    buildWorker(workerSource('register-v1.ts'), join(tmp, 'v1')),
    buildWorker(workerSource('register-v2.ts'), join(tmp, 'v2')),
    buildWorker(workerSource('register-throws.ts'), join(tmp, 'throws')),
  ]);
  scripts.v1 = await readFile(join(v1, 'sw.js'), 'utf8');
  scripts.v2 = await readFile(join(v2, 'sw.js'), 'utf8');
  scripts.throws = await readFile(join(throws, 'sw.js'), 'utf8');
  await writeFile(join(tmp, 'index.html'), BLANK_PAGE);

  server = await startServer();
  server.static('/', tmp);
  server.static('/dist/', join(root, 'dist'));
  server.static('/node_modules/idb/', join(root, 'node_modules/idb'));
  server.route('GET', '/sw.js', () => ({
    body: scripts[serving],
    headers: { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' },
  }));
  server.route('GET', '/api/echo', ({ url }) => json({ path: url.pathname }));
  // insecure.test: this server under a name that is not loopback, so not a secure context.
  browser = await launchBrowser({ args: ['--host-resolver-rules=MAP insecure.test 127.0.0.1'] });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

declare global {
  interface Window {
    /** The built 'cachette/page', loaded by `loadPageLibrary`. */
    cachettePage: typeof import('cachette/page');
  }
}

/** Loads the built 'cachette/page' into the page as `window.cachettePage`. */
async function loadPageLibrary(page: Page): Promise<void> {
  // A string, so the test runner's transform cannot rewrite the dynamic import.
  await page.evaluate("import('/dist/page.js').then((m) => { window.cachettePage = m; })");
}

/** `fetch(path)` from the page: status, the worker's headers and the body. */
function pageFetch(page: Page, path: string) {
  return page.evaluate(async (p) => {
    const response = await fetch(p);
    return {
      status: response.status,
      worker: response.headers.get('X-Worker'),
      fragmentKey: response.headers.get('X-Fragment-Key'),
      sw: response.headers.get('X-Cachette-Sw'),
      body: (await response.json()) as unknown,
    };
  }, path);
}

describe('register', () => {
  let page: Page;

  it('resolves on a first visit once the worker controls the page', async () => {
    page = await browser.newPage();
    await page.goto(server.url('/'));
    await loadPageLibrary(page);
    const result = await page.evaluate(async () => {
      const before = navigator.serviceWorker.controller;
      const { register } = window.cachettePage;
      const registration = await register('/sw.js');
      return {
        before: before?.scriptURL ?? null,
        controller: navigator.serviceWorker.controller?.scriptURL ?? null,
        scope: registration.scope,
        same: navigator.serviceWorker.controller === registration.active,
      };
    });
    expect(result).toEqual({ before: null, controller: server.url('/sw.js'), scope: server.url('/'), same: true });
  });

  it("sends the page's fetches through the worker built by cachette/vite", async () => {
    server.resetHits();
    const response = await pageFetch(page, '/api/echo');
    expect(response).toEqual({
      status: 200,
      worker: 'v1',
      // 'cachette' and 'cachette/sw' were resolved through package.json exports and inlined.
      fragmentKey: 'template.cache.foo.493e283d571a73056196f1a68efd0f66',
      sw: 'function',
      body: { path: '/api/echo' },
    });
    expect(server.hits('GET /api/echo')).toBe(1);
    expect(scripts.v1).not.toMatch(/^\s*(import|export)\b/m); // one classic script
  });

  it('resolves at once on a later visit, when the page is controlled from the start', async () => {
    await page.reload();
    await loadPageLibrary(page);
    const controlled = await page.evaluate(async () => {
      const { register } = window.cachettePage;
      const started = !!navigator.serviceWorker.controller;
      await register('/sw.js', { timeout: 2000 });
      return started && !!navigator.serviceWorker.controller;
    });
    expect(controlled).toBe(true);
  });

  it('onUpdate announces a waiting v2 (also to late subscribers), and activate() hands it the page', async () => {
    serving = 'v2';
    await loadPageLibrary(page);
    const result = await page.evaluate(async () => {
      const { onUpdate } = window.cachettePage;
      const registration = (await navigator.serviceWorker.getRegistration())!;
      const update = await new Promise<import('cachette/page').WorkerUpdate>((resolve) => {
        const stop = onUpdate(registration, (u) => {
          stop();
          resolve(u);
        });
        void registration.update();
      });
      const waitingState = update.waiting.state;
      const stillV1 = (await fetch('/api/echo')).headers.get('X-Worker');
      // A subscriber arriving while the worker already waits hears about it right away.
      const late = await new Promise<boolean>((resolve) => {
        const stop = onUpdate(registration, (u) => {
          stop();
          resolve(u.waiting === update.waiting);
        });
        setTimeout(() => resolve(false), 1000);
      });
      await update.activate();
      return {
        waitingState,
        stillV1,
        late,
        controllerIsNew: navigator.serviceWorker.controller === update.waiting,
        after: (await fetch('/api/echo')).headers.get('X-Worker'),
      };
    });
    expect(result).toEqual({ waitingState: 'installed', stillV1: 'v1', late: true, controllerIsNew: true, after: 'v2' });
  });

  it('rejects with the reason when a hard reload (shift-reload) left the page uncontrolled', async () => {
    const session = await cdp(page);
    await session.send('Page.reload', { ignoreCache: true });
    await page.waitForLoadState('load');
    await session.detach();
    await loadPageLibrary(page);
    const error = await page.evaluate(async () => {
      const { register } = window.cachettePage;
      if (navigator.serviceWorker.controller) return 'unexpectedly controlled';
      return register('/sw.js', { timeout: 300 }).then(
        () => 'resolved',
        (e: Error) => e.message,
      );
    });
    expect(error).toMatch(/within 300 ms.*hard reload \(shift-reload\)/);
    await page.close();
  });

  it('after a shift-reload, rejects within about a second with the default timeout (not 10 s): the page keeps working', async () => {
    const hard = await browser.newPage();
    await hard.goto(server.url('/'));
    await waitForController(hard);
    const session = await cdp(hard);
    await session.send('Page.reload', { ignoreCache: true });
    await hard.waitForLoadState('load');
    await session.detach();
    await loadPageLibrary(hard);
    const result = await hard.evaluate(async () => {
      const started = performance.now();
      const message = await window.cachettePage.register('/sw.js').then(
        () => 'resolved',
        (e: Error) => e.message,
      );
      return { controlled: !!navigator.serviceWorker.controller, message, ms: performance.now() - started };
    });
    expect(result.controlled).toBe(false);
    expect(result.message).toMatch(/within 1000 ms.*hard reload \(shift-reload\).*the page keeps working/);
    expect(result.ms).toBeLessThan(3000);
    await hard.close();
  });

  it('rejects at once when the page is outside the worker scope', async () => {
    const other = await browser.newPage();
    await other.goto(server.url('/'));
    await loadPageLibrary(other);
    server.route('GET', '/nested/sw.js', { body: scripts.v1, headers: { 'Content-Type': 'text/javascript' } });
    const error = await other.evaluate(async () => {
      const { register } = window.cachettePage;
      return register('/nested/sw.js').then(
        () => 'resolved',
        (e: Error) => e.message,
      );
    });
    expect(error).toMatch(/outside the worker's scope/);
    await other.close();
  });

  it('rejects with the reason when service workers are unavailable (an insecure context)', async () => {
    const insecure = await browser.newPage();
    await insecure.goto(server.url('/').replace('127.0.0.1', 'insecure.test'));
    await loadPageLibrary(insecure);
    const result = await insecure.evaluate(async () => ({
      secure: isSecureContext,
      error: await window.cachettePage.register('/sw.js').then(
        () => 'resolved',
        (e: Error) => e.message,
      ),
    }));
    expect(result.secure).toBe(false);
    expect(result.error).toMatch(/service workers are unavailable because this page is not a secure context/);
    await insecure.close();
  });
});

describe('register names the likely cause of a failed registration', () => {
  /** `register(path, { scope })` in a fresh page: the rejection's message. */
  async function failure(path: string, scope: string): Promise<string> {
    const page = await browser.newPage();
    try {
      await page.goto(server.url('/'));
      await loadPageLibrary(page);
      return await page.evaluate(
        ([p, s]) => window.cachettePage.register(p!, { scope: s!, timeout: 2000 }).then(() => 'resolved', (e: Error) => e.message),
        [path, scope],
      );
    } finally {
      await page.close();
    }
  }

  it("the SPA fallback's HTML where the script should be: is cachetteWorker() in vite.config?", async () => {
    server.route('GET', '/spa/sw.js', {
      body: '<!doctype html><html><body><div id="root"></div></body></html>',
      headers: { 'Content-Type': 'text/html; charset=utf-8' },
    });
    const message = await failure('/spa/sw.js', '/spa/');
    expect(message).toMatch(/^cachette: registering the service worker \/spa\/sw\.js failed: the server answered \/spa\/sw\.js with an HTML page/);
    expect(message).toContain("Is cachetteWorker() from 'cachette/vite' in the plugins of vite.config?");
    expect(message).toMatch(/the browser said: .*MIME type \('text\/html'\)/);
  });

  it("a 404: the path, Vite's base and import.meta.env.BASE_URL", async () => {
    const message = await failure('/missing/sw.js', '/missing/');
    expect(message).toContain('answered /missing/sw.js with 404 Not Found: is the path right?');
    expect(message).toContain('import.meta.env.BASE_URL');
  });

  it('a worker built by cachette/vite that throws while evaluated: its own error, with the browser message', async () => {
    server.route('GET', '/throws/sw.js', { body: scripts.throws, headers: { 'Content-Type': 'text/javascript' } });
    const message = await failure('/throws/sw.js', '/throws/');
    expect(message).toMatch(/failed: the worker script threw while the browser evaluated it: Error: register-throws: defineCaches was given a typo\n/);
    expect(message).toMatch(/the browser said: TypeError: .*ServiceWorker script evaluation failed/);
  });

  it('any other worker that throws while evaluated: says it most likely threw, with the browser message', async () => {
    server.route('GET', '/raw-throws/sw.js', { body: "throw new Error('raw');", headers: { 'Content-Type': 'text/javascript' } });
    const message = await failure('/raw-throws/sw.js', '/raw-throws/');
    expect(message).toMatch(/\/raw-throws\/sw\.js downloads as JavaScript, so the worker script most likely threw during its first evaluation/);
    expect(message).toMatch(/the browser said: TypeError: .*ServiceWorker script evaluation failed/);
  });
});

describe('cachetteWorker in the Vite dev server', () => {
  let vite: ViteDevServer | undefined;
  let app: string;

  afterAll(async () => {
    await vite?.close();
  });

  it('serves the bundled entry at /sw.js, rebuilt after a change, and the worker controls the page', async () => {
    // An app as a user has it: src/sw.ts importing 'cachette', the package in node_modules.
    app = join(tmp, 'app');
    await mkdir(join(app, 'src'), { recursive: true });
    await mkdir(join(app, 'node_modules'), { recursive: true });
    await symlink(root, join(app, 'node_modules', 'cachette'), 'dir');
    const source = (marker: string): string => `
      import { makeFragmentKey } from 'cachette';
      declare const self: ServiceWorkerGlobalScope;
      const MARKER: string = '${marker}';
      self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
      self.addEventListener('fetch', (event) => {
        if (new URL(event.request.url).pathname === '/api/marker') {
          event.respondWith(new Response(MARKER + ' ' + makeFragmentKey('foo', ['abc'])));
        }
      });
    `;
    await writeFile(join(app, 'src/sw.ts'), source('dev-marker-1'));
    await writeFile(join(app, 'index.html'), '<!doctype html><title>dev</title><p>dev</p>');

    vite = await createServer({
      root: app,
      configFile: false,
      logLevel: 'warn',
      plugins: [cachetteWorker()],
      server: { port: 0, host: '127.0.0.1', strictPort: false },
      optimizeDeps: { noDiscovery: true, include: [] },
    });
    await vite.listen();
    const address = vite.httpServer!.address();
    const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const first = await fetch(`${origin}/sw.js`);
    const code = await first.text();
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(first.headers.get('service-worker-allowed')).toBe('/');
    expect(code).toContain('dev-marker-1');
    expect(code).not.toMatch(/^\s*(import|export)\b/m);

    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await page.evaluate(() => navigator.serviceWorker.register('/sw.js'));
    expect(await waitForController(page)).toBe(`${origin}/sw.js`);
    expect(await page.evaluate(async () => (await fetch('/api/marker')).text())).toBe(
      'dev-marker-1 template.cache.foo.493e283d571a73056196f1a68efd0f66',
    );
    await page.close();

    await writeFile(join(app, 'src/sw.ts'), source('dev-marker-2'));
    let rebuilt = '';
    for (let i = 0; i < 50 && !rebuilt.includes('dev-marker-2'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      rebuilt = await (await fetch(`${origin}/sw.js`)).text();
    }
    expect(rebuilt).toContain('dev-marker-2');
  });
});
