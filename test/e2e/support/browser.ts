/**
 * Real Chromium for the end-to-end tests, with a fresh on-disk profile per launch (storage
 * behaves as in real use: see BENCHMARKING.md), plus the few DevTools-protocol helpers the
 * service-worker tests need.
 *
 * @example
 * const browser = await launchBrowser();
 * afterAll(() => browser.close());
 * const page = await browser.newPage();
 * await page.goto(server.url('/'));
 * const scriptURL = await waitForController(page);
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { CHROME_ARGS, findChrome } from '../../../scripts/chrome-path.mjs';

export interface TestBrowser {
  /** The persistent context (one profile, every page shares its storage and workers). */
  context: BrowserContext;
  /** A new tab. */
  newPage(): Promise<Page>;
  /** Closes Chromium and removes its profile directory. Safe to call twice. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Flags added to `CHROME_ARGS`, e.g. `--host-resolver-rules=MAP insecure.test 127.0.0.1`. */
  args?: string[];
}

/** Launches headless Chromium on a fresh temporary profile. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<TestBrowser> {
  const executablePath = findChrome();
  if (!executablePath) {
    throw new Error('no Chromium found: install Debian\'s chromium (node scripts/ensure-chromium.mjs) or set CHROME_PATH');
  }
  const profile = await mkdtemp(join(tmpdir(), 'cachette-e2e-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      args: [...CHROME_ARGS, ...(options.args ?? [])],
      headless: true,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    context,
    newPage: () => context.newPage(),
    close: () =>
      (closing ??= (async () => {
        try {
          await context.close();
        } finally {
          // Chromium may still be flushing the profile for a moment after close.
          await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
        }
      })()),
  };
}

/**
 * Waits until a service worker controls `page` (at most `timeout` ms); returns its script URL.
 * @example expect(await waitForController(page)).toBe(server.url('/sw.js'));
 */
export async function waitForController(page: Page, timeout = 10_000): Promise<string> {
  return page.evaluate(async (ms) => {
    const container = navigator.serviceWorker;
    if (!container) throw new Error('navigator.serviceWorker is unavailable (insecure context?)');
    if (container.controller) return container.controller.scriptURL;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        container.removeEventListener('controllerchange', onChange);
        reject(new Error(`no service worker took control within ${ms} ms`));
      }, ms);
      const onChange = (): void => {
        if (!container.controller) return;
        clearTimeout(timer);
        container.removeEventListener('controllerchange', onChange);
        resolve(container.controller.scriptURL);
      };
      container.addEventListener('controllerchange', onChange);
    });
  }, timeout);
}

/**
 * A DevTools-protocol session on `page`, e.g. for `Storage.clearDataForOrigin` or
 * `ServiceWorker.stopAllWorkers`. Detach it when done (`session.detach()`).
 * @example const session = await cdp(page); await stopAllWorkers(session);
 */
export function cdp(page: Page): Promise<CDPSession> {
  return page.context().newCDPSession(page);
}

/**
 * Stops every service worker of the profile, as the browser does to an idle worker: its
 * in-memory state is gone, and the next fetch or message starts it again.
 */
export async function stopAllWorkers(session: CDPSession): Promise<void> {
  await session.send('ServiceWorker.enable');
  await session.send('ServiceWorker.stopAllWorkers');
}

/**
 * Clears an origin's storage, as the browser's "Clear site data" does (`storageTypes`: a
 * comma-separated list such as `'cache_storage,indexeddb'`; default all, workers included).
 */
export async function clearOrigin(session: CDPSession, origin: string, storageTypes = 'all'): Promise<void> {
  await session.send('Storage.clearDataForOrigin', { origin, storageTypes });
}
