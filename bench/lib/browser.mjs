// The one Chromium launcher of the benchmarks: Debian's Chromium with a fresh on-disk
// profile (storage on disk is what users get; an in-memory context makes writes 15–40%
// faster), one tab per URL. Two drivers:
// - 'bare': no Playwright. One URL is put on the command line, with no DevTools connection
//   at all; several (headless Chromium refuses several URLs on its command line, "Multiple
//   targets are not supported in headless mode") are opened over `--remote-debugging-pipe`,
//   used only for `Target.createTarget` / `closeTarget` / `activateTarget`,
//   `Browser.getVersion`, `SystemInfo.getProcessInfo` and `Browser.close`. No session is
//   attached to any target, so no page or worker is instrumented (BENCHMARKING.md:
//   Playwright's instrumentation adds 0.6–1.2 ms per fetch and attaches to every worker start).
// - 'playwright': playwright-core's launchPersistentContext, one page per URL (`pages` holds
//   them, for a benchmark that drives its pages with `evaluate`).
// Each tab is a top-level page with no opener, so Chromium gives each its own renderer
// process (tabs sharing one would share one main thread). Pages report over HTTP either way.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROME_ARGS, findChrome } from '../../scripts/chrome-path.mjs';

/** Keep background tabs' timers and rendering at full speed while measuring (Playwright adds these too, so both drivers match). */
export const TIMING_ARGS = ['--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows', '--disable-renderer-backgrounding'];

export const DRIVERS = ['playwright', 'bare'];
const CDP_TIMEOUT_MS = 15_000;

/**
 * Opens one tab per URL, in order, in a new Chromium with a fresh profile. Tabs share one
 * window, the first in front (its page `visible`, the others `hidden`, as a user's
 * background tabs), unless `separateWindows` gives each tab its own window (all `visible`).
 * `pipe` (bare driver): open even one URL over the DevTools pipe (default: only several).
 * @param {string[]} urls
 * @param {{ driver?: 'bare' | 'playwright', separateWindows?: boolean, pipe?: boolean, log?: (line: string) => void }} [options]
 * @returns {Promise<{ driver: string, chrome: string, version: string, pages?: import('playwright-core').Page[],
 *   diagnostics: () => string[], rendererProcesses: () => Promise<number | null>, close: () => Promise<void> }>}
 */
export async function openBrowser(urls, { driver = 'bare', separateWindows = false, pipe = urls.length > 1, log = () => {} } = {}) {
  if (!DRIVERS.includes(driver)) throw new Error(`unknown driver '${driver}'; accepted: ${DRIVERS.join(', ')}`);
  const chrome = findChrome();
  if (!chrome) throw new Error('no Chromium found: run `node scripts/ensure-chromium.mjs` or set CHROME_PATH');
  const profile = await mkdtemp(join(tmpdir(), 'cachette-bench-'));
  try {
    const open = driver === 'playwright' ? openPlaywright : pipe ? openPipe : openCommandLine;
    const opened = await open(chrome, profile, urls, { separateWindows, log });
    return {
      rendererProcesses: async () => null,
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

/** Opens one URL (`openBrowser` with one tab): a benchmark page that reports over HTTP. */
export const openPage = (url, options = {}) => openBrowser([url], options);

async function openPlaywright(chrome, profile, urls, { log }) {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(profile, { executablePath: chrome, args: [...CHROME_ARGS, ...TIMING_ARGS], headless: true });
  const lines = [];
  const note = (line, important) => {
    lines.push(line);
    if (important) log(line);
  };
  try {
    const blank = context.pages();
    const pages = [];
    for (const [i, url] of urls.entries()) {
      const page = i === 0 && blank.length ? blank.shift() : await context.newPage();
      const tab = urls.length > 1 ? `tab ${i} ` : '';
      page.on('console', (message) => note(`${tab}console.${message.type()}: ${message.text()}`, message.type() === 'error' || message.type() === 'warning'));
      page.on('pageerror', (error) => note(`${tab}page error: ${error.message}`, true));
      await page.goto(url);
      pages.push(page);
    }
    for (const page of blank) await page.close();
    return {
      driver: 'playwright',
      version: context.browser()?.version() ?? (await pages[0].evaluate(() => navigator.userAgent)),
      pages,
      diagnostics: () => lines.slice(-50),
      close: () => context.close(),
    };
  } catch (error) {
    await context.close();
    throw error;
  }
}

const bareArgs = (profile, ...rest) => [...CHROME_ARGS, ...TIMING_ARGS, '--headless', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0', ...rest];

async function openCommandLine(chrome, profile, [url], { log }) {
  const { lines, stop } = await spawnChrome(chrome, bareArgs(profile, url), 3, log);
  return { driver: 'bare', version: 'see user agent', diagnostics: () => lines.slice(-50), close: () => stop() };
}

async function openPipe(chrome, profile, urls, { separateWindows, log }) {
  // fd 3: Chromium reads protocol messages; fd 4: Chromium writes them. Each ends with \0.
  const { child, lines, exited, stop } = await spawnChrome(chrome, bareArgs(profile, '--remote-debugging-pipe', 'about:blank'), 5, log);
  const cdp = pipeConnection(child.stdio[3], child.stdio[4], exited);
  // A polite Browser.close first (it flushes the profile), then signals.
  const kill = () => stop(() => cdp.send('Browser.close', {}, 3000));
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

/**
 * Starts Chromium with `args` and stdio slots up to `fds` (3: stderr only; 5: also the
 * DevTools pipe on fds 3 and 4). Keeps its last 200 stderr lines, logs the page's console
 * lines, and reports an early exit (a bad flag, a crash) that would otherwise only show as
 * a report timeout. `stop(polite)` ends it: `polite()` first when given, else SIGTERM, then
 * SIGKILL after 5 s.
 */
async function spawnChrome(chrome, args, fds, log) {
  const child = spawn(chrome, args, { stdio: ['ignore', 'ignore', ...Array(fds - 2).fill('pipe')] });
  const lines = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    for (const line of chunk.split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 200) lines.shift();
      if (/CONSOLE\(|Uncaught/.test(line)) log(line);
    }
  });
  let expected = false;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  void exited.then(({ code, signal }) => {
    if (!expected) log(`Chromium exited early (code ${code}, signal ${signal})`);
  });
  const stop = async (polite) => {
    expected = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (polite) await polite().catch(() => child.kill('SIGTERM'));
    else child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { child, lines, exited, stop };
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
