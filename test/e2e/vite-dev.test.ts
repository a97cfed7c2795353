/**
 * cachetteWorker() in Vite's dev server, in real Chromium, with the worker a user writes
 * (src/sw.ts with cacheSite()) and the page registering it through cachette/page:
 * - Vite's own requests (its client, linked and pre-bundled modules) go past the worker's
 *   routes to Vite, unless `dev.viteRequests` is 'worker';
 * - an edited worker is rebuilt and fetched at once, takes over with no onUpdate prompt and
 *   the page reloads, unless `dev.update` is 'prompt';
 * - a worker that throws while evaluated is reported in the terminal, in Vite's overlay and
 *   in register()'s rejection, with its own message.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createLogger, createServer, type HotPayload, type Plugin, type ViteDevServer } from 'vite';
import { cachetteWorker, type CachetteWorkerDevOptions } from 'cachette/vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, waitForController, type TestBrowser } from './support/browser.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

let tmp: string;
let browser: TestBrowser;
const servers: ViteDevServer[] = [];

interface DevApp {
  dir: string;
  origin: string;
  /** What cachette/vite wrote to the terminal as errors. */
  logged: string[];
  /** What the dev server sent its pages (HMR payloads). */
  sent: HotPayload[];
}

/** The worker: a marker route, then Django's per-site cache for the rest. */
const worker = (marker: string, extra = ''): string => `
  import { cacheSite, defineCaches } from 'cachette/sw';
  declare const self: ServiceWorkerGlobalScope;
  ${extra}
  self.addEventListener('fetch', (event) => {
    if (new URL(event.request.url).pathname === '/api/marker') event.respondWith(new Response('${marker}'));
  });
  defineCaches({ default: { backend: 'cache-storage', location: 'site' } });
  cacheSite();
`;

/** The page: registers the worker (render first), and counts onUpdate calls across reloads. */
const MAIN = `
  import { onUpdate, register } from 'cachette/page';
  document.body.dataset.rendered = 'yes';
  register('/sw.js').then(
    (registration) => {
      document.body.dataset.registered = 'yes';
      onUpdate(registration, () => localStorage.setItem('updates', String(Number(localStorage.getItem('updates') ?? 0) + 1)));
    },
    (error) => {
      document.body.dataset.registerError = String(error.message);
    },
  );
`;

/** An API answer Django's rules store (max-age 60), to show the worker caches at all. */
const api: Plugin = {
  name: 'test-api',
  configureServer(server) {
    server.middlewares.use('/api/data', (_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', 'max-age=60');
      res.end(JSON.stringify({ at: Date.now() }));
    });
  },
};

async function devApp(name: string, sw: string, dev?: CachetteWorkerDevOptions): Promise<DevApp> {
  const dir = join(tmp, name);
  await mkdir(join(dir, 'src'), { recursive: true });
  await mkdir(join(dir, 'node_modules'), { recursive: true });
  await symlink(root, join(dir, 'node_modules', 'cachette'), 'dir');
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>dev</title><script type="module" src="/src/main.ts"></script>');
  await writeFile(join(dir, 'src/main.ts'), MAIN);
  await writeFile(join(dir, 'src/sw.ts'), sw);
  const logged: string[] = [];
  const sent: HotPayload[] = [];
  const logger = createLogger('warn', { allowClearScreen: false });
  logger.error = (msg) => {
    if (msg.startsWith('cachette/vite')) logged.push(msg);
  };
  const server = await createServer({
    root: dir,
    configFile: false,
    customLogger: logger,
    plugins: [cachetteWorker(dev === undefined ? {} : { dev }), api],
    server: { port: 0, host: '127.0.0.1', strictPort: false },
    // idb (which cachette/page imports) pre-bundled, as Vite does for a dependency.
    optimizeDeps: { noDiscovery: true, include: ['cachette > idb'] },
  });
  const send = server.ws.send.bind(server.ws) as (payload: HotPayload) => void;
  server.ws.send = ((payload: HotPayload) => {
    sent.push(payload);
    send(payload);
  }) as ViteDevServer['ws']['send'];
  await server.listen();
  servers.push(server);
  const address = server.httpServer!.address();
  return { dir, origin: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, logged, sent };
}

/**
 * The request URLs (path + query) the worker's per-site cache holds: the cache-storage
 * backend keeps each entry under a URL naming its key, `<prefix>:<version>:<absolute URL>.<md5 of
 * the varied headers>`.
 */
function stored(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const cache = await caches.open('cachette:site');
    return (await cache.keys()).flatMap((request) => {
      const key = decodeURIComponent(new URL(request.url).pathname.slice(1));
      const at = key.indexOf(location.origin);
      return at < 0 ? [] : [key.slice(at + location.origin.length).replace(/\.[0-9a-f]{32}$/, '')];
    });
  });
}

/** Opens the app and waits until the worker controls it; then loads it again through the worker. */
async function openControlled(app: DevApp): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${app.origin}/`);
  await waitForController(page);
  await page.reload();
  await expect.poll(() => page.evaluate(() => document.body.dataset.registered ?? null)).toBe('yes');
  return page;
}

/** The text of /api/marker, as the controlling worker answers it, polled across reloads. */
async function marker(page: Page): Promise<string> {
  try {
    return await page.evaluate(async () => (navigator.serviceWorker.controller ? (await fetch('/api/marker')).text() : 'uncontrolled'));
  } catch {
    return 'reloading';
  }
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cachette-vite-dev-'));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  for (const server of servers) await server.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('cachetteWorker in vite dev: Vite\'s own requests', () => {
  it('go to Vite past the worker\'s routes: cacheSite() stores the app\'s API, nothing of Vite\'s', async () => {
    const app = await devApp('network', worker('m1'));
    const page = await openControlled(app);
    await page.evaluate(() => fetch('/api/data'));
    await expect.poll(() => stored(page)).toContain('/api/data');

    const held = await stored(page);
    // The page did load Vite's modules (its client, cachette from /@fs/, idb pre-bundled) through the controlled page.
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname));
    expect(loaded.some((path) => path.startsWith('/node_modules/.vite/deps/'))).toBe(true);
    expect(held.filter((url) => /^\/(@vite|@fs|@id|node_modules)\//.test(url) || /[?&](v|t)=/.test(url))).toEqual([]);
    await page.close();
  });

  it("with dev.viteRequests 'worker', the worker's routes see them (cacheSite() stores the immutable pre-bundled dependencies)", async () => {
    const app = await devApp('worker', worker('m1'), { viteRequests: 'worker' });
    const page = await openControlled(app);
    await expect.poll(async () => (await stored(page)).filter((url) => url.startsWith('/node_modules/.vite/deps/')).length).toBeGreaterThan(0);
    await page.close();
  });
});

describe('cachetteWorker in vite dev: an edited worker', () => {
  it('is rebuilt and fetched at once, takes over with no onUpdate prompt, and the page reloads', async () => {
    const app = await devApp('activate', worker('before-edit'));
    const page = await openControlled(app);
    expect(await marker(page)).toBe('before-edit');
    await page.evaluate(() => {
      (window as { beforeReload?: boolean }).beforeReload = true;
    });
    await writeFile(join(app.dir, 'src/sw.ts'), worker('after-edit'));
    // The page is reloaded once the new worker controls it. (Not polled with fetches: Chromium
    // activates a worker that skips waiting only once the old one has no event in flight.)
    await expect.poll(() => page.evaluate(() => (window as { beforeReload?: boolean }).beforeReload ?? false).catch(() => true), { timeout: 15_000 }).toBe(false);
    await expect.poll(() => marker(page)).toBe('after-edit');
    // The old worker is gone, not waiting, and the page was never asked to prompt.
    await page.waitForTimeout(500); // onUpdate announces after a short grace: let one arrive if it would
    expect(await page.evaluate(() => localStorage.getItem('updates'))).toBeNull();
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull();
    await page.close();
  });

  it("with dev.update 'prompt', it waits and onUpdate is called, as in production", async () => {
    const app = await devApp('prompt', worker('before-edit'), { update: 'prompt' });
    const page = await openControlled(app);
    await writeFile(join(app.dir, 'src/sw.ts'), worker('after-edit'));
    await expect.poll(() => page.evaluate(() => localStorage.getItem('updates')).catch(() => null), { timeout: 15_000 }).toBe('1');
    expect(await marker(page)).toBe('before-edit');
    await page.close();
  });
});

describe('cachetteWorker in vite dev: a worker that throws while evaluated', () => {
  const throwing = worker('never', `throw new Error('boom at start: ' + 'the worker cannot run');`);

  it('rejects register() with its own error, and says it in the terminal and the overlay', async () => {
    const app = await devApp('throws', throwing);
    const page = await browser.newPage();
    await page.goto(`${app.origin}/`);
    await expect.poll(() => page.evaluate(() => document.body.dataset.registerError ?? null)).toContain('boom at start: the worker cannot run');
    expect(await page.evaluate(() => document.body.dataset.rendered)).toBe('yes');
    const message = (await page.evaluate(() => document.body.dataset.registerError))!;
    expect(message).toContain('the worker script threw while the browser evaluated it: Error: boom at start: the worker cannot run');
    await expect.poll(() => app.logged.join('\n')).toContain('cachette/vite: the worker src/sw.ts threw while the browser evaluated it: Error: boom at start: the worker cannot run');
    const overlay = app.sent.find((payload) => payload.type === 'error');
    expect(overlay?.type === 'error' && overlay.err.message).toBe(
      'cachette/vite: the worker src/sw.ts threw while the browser evaluated it: Error: boom at start: the worker cannot run',
    );
    expect(overlay?.type === 'error' && overlay.err.plugin).toBe('cachette:worker');
    await page.close();
  });

  it('an edit that makes a running worker throw is reported in the overlay once, though two tabs hear it', async () => {
    const app = await devApp('update-throws', worker('fine'));
    const page = await openControlled(app);
    const second = await browser.newPage();
    await second.goto(`${app.origin}/`);
    await writeFile(join(app.dir, 'src/sw.ts'), throwing);
    await expect.poll(() => app.logged.join('\n'), { timeout: 15_000 }).toContain('threw while the browser evaluated it: Error: boom at start');
    await page.waitForTimeout(500);
    expect(app.logged.filter((line) => line.includes('boom at start'))).toHaveLength(1);
    // The running worker stays.
    expect(await marker(page)).toBe('fine');
    await second.close();
    await page.close();
  });
});
