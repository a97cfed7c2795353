// Opens several tabs of one Chromium, each on its own URL, with a fresh on-disk profile:
// for benchmarks that need more than one page (tab-to-tab messaging). Headless Chromium
// refuses several URLs on its command line ("Multiple targets are not supported in headless
// mode"), so the tabs are opened through the DevTools protocol.
//
// Two drivers, as bench/lib/browser.mjs:
// - 'bare' (default): Chromium started with `--remote-debugging-pipe`; the pipe is used only
//   for `Target.createTarget` / `Target.closeTarget`, `Browser.getVersion`,
//   `SystemInfo.getProcessInfo` and `Browser.close`. No session is attached to any target,
//   so no page or worker is instrumented (BENCHMARKING.md: Playwright's instrumentation
//   adds 0.6–1.2 ms per fetch and attaches to every worker start).
// - 'playwright': playwright-core's launchPersistentContext, one `newPage()` per URL.
// Either way each tab is a top-level page with no opener, so Chromium gives each its own
// renderer process (tabs sharing one would share one main thread). Pages report over HTTP.
import { spawnChrome, TIMING_ARGS } from './browser.mjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROME_ARGS, findChrome } from '../../scripts/chrome-path.mjs';

/** The flags bench/lib/browser.mjs's bare driver adds (Playwright adds them too). */
const CDP_TIMEOUT_MS = 15_000;

export const TAB_DRIVERS = ['bare', 'playwright'];

/**
 * Opens one tab per URL, in order, in a new Chromium with a fresh profile. Tabs share one
 * window, the first in front (its page `visible`, the others `hidden`, as a user's
 * background tabs), unless `separateWindows` gives each tab its own window (all `visible`).
 * @param {string[]} urls
 * @param {{ driver?: 'bare' | 'playwright', separateWindows?: boolean, log?: (line: string) => void }} [options]
 * @returns {Promise<{ driver: string, chrome: string, version: string, diagnostics: () => string[],
 *   rendererProcesses: () => Promise<number | null>, close: () => Promise<void> }>}
 */
export async function openTabs(urls, { driver = 'bare', separateWindows = false, log = () => {} } = {}) {
  if (!TAB_DRIVERS.includes(driver)) throw new Error(`unknown driver '${driver}'; accepted: ${TAB_DRIVERS.join(', ')}`);
  const chrome = findChrome();
  if (!chrome) throw new Error('no Chromium found: run `node scripts/ensure-chromium.mjs` or set CHROME_PATH');
  const profile = await mkdtemp(join(tmpdir(), 'cachette-bench-tabs-'));
  try {
    const opened = driver === 'bare' ? await openBareTabs(chrome, profile, urls, separateWindows, log) : await openPlaywrightTabs(chrome, profile, urls, log);
    return {
      ...opened,
      chrome,
      async close() {
        try {
          await opened.close();
        } finally {
          await rm(profile, { recursive: true, force: true, maxRetries: 3 });
        }
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true, maxRetries: 3 });
    throw error;
  }
}

async function openBareTabs(chrome, profile, urls, separateWindows, log) {
  const args = [...CHROME_ARGS, ...TIMING_ARGS, '--headless', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0', '--remote-debugging-pipe', 'about:blank'];
  // fd 3: Chromium reads protocol messages; fd 4: Chromium writes them. Each ends with \0.
  const { child, lines, exited, closing } = await spawnChrome(chrome, args, 5, log);
  const cdp = pipeConnection(child.stdio[3], child.stdio[4], exited);
  const kill = async () => {
    closing();
    if (child.exitCode !== null || child.signalCode !== null) return;
    // A polite Browser.close first (it flushes the profile), then signals.
    await cdp.send('Browser.close', {}, 3000).catch(() => child.kill('SIGTERM'));
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const { product } = await cdp.send('Browser.getVersion');
    const { targetInfos } = await cdp.send('Target.getTargets');
    const ids = [];
    for (const url of urls) ids.push((await cdp.send('Target.createTarget', { url, newWindow: separateWindows })).targetId);
    // The about:blank tab Chromium starts with is not one of ours.
    for (const info of targetInfos) if (info.type === 'page') await cdp.send('Target.closeTarget', { targetId: info.targetId }).catch(() => {});
    if (ids.length) await cdp.send('Target.activateTarget', { targetId: ids[0] });
    return {
      driver: 'bare',
      version: product,
      diagnostics: () => lines.slice(-50),
      async rendererProcesses() {
        try {
          const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
          return processInfo.filter((p) => p.type === 'renderer').length;
        } catch {
          return null;
        }
      },
      close: kill,
    };
  } catch (error) {
    await kill();
    throw new Error(`${error.message}; last browser output:\n${lines.slice(-20).join('\n')}`, { cause: error });
  }
}

/** A minimal DevTools-protocol client over Chromium's pipe: request/response only, events ignored. */
function pipeConnection(input, output, exited) {
  let nextId = 1;
  const pending = new Map();
  let buffer = '';
  output.setEncoding('utf8');
  output.on('data', (chunk) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\0')) !== -1) {
      const text = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      let message;
      try {
        message = JSON.parse(text);
      } catch {
        continue;
      }
      const waiter = message.id === undefined ? undefined : pending.get(message.id);
      if (!waiter) continue;
      pending.delete(message.id);
      if (message.error) waiter.reject(new Error(`DevTools ${waiter.method}: ${message.error.message}`));
      else waiter.resolve(message.result);
    }
  });
  void exited.then(() => {
    for (const waiter of pending.values()) waiter.reject(new Error(`Chromium exited before answering ${waiter.method}`));
    pending.clear();
  });
  return {
    send(method, params = {}, timeoutMs = CDP_TIMEOUT_MS) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`DevTools ${method}: no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          method,
          resolve: (value) => (clearTimeout(timer), resolve(value)),
          reject: (error) => (clearTimeout(timer), reject(error)),
        });
        input.write(`${JSON.stringify({ id, method, params })}\0`);
      });
    },
  };
}

async function openPlaywrightTabs(chrome, profile, urls, log) {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(profile, { executablePath: chrome, args: CHROME_ARGS, headless: true });
  const lines = [];
  try {
    const blank = context.pages();
    for (const [i, url] of urls.entries()) {
      const page = await context.newPage();
      page.on('console', (message) => {
        const line = `tab ${i} console.${message.type()}: ${message.text()}`;
        lines.push(line);
        if (message.type() === 'error' || message.type() === 'warning') log(line);
      });
      page.on('pageerror', (error) => {
        const line = `tab ${i} page error: ${error.message}`;
        lines.push(line);
        log(line);
      });
      await page.goto(url);
    }
    for (const page of blank) await page.close();
    return {
      driver: 'playwright',
      version: context.browser()?.version() ?? 'unknown',
      diagnostics: () => lines.slice(-50),
      rendererProcesses: async () => null,
      close: () => context.close(),
    };
  } catch (error) {
    await context.close();
    throw error;
  }
}
