// Opens a benchmark page in Debian's Chromium with a fresh on-disk profile (storage on
// disk is what users get; an in-memory context makes writes 15–40% faster).
//
// Two drivers:
// - 'playwright' (default): playwright-core's launchPersistentContext. Fine for page-side
//   storage reads, which no Playwright instrumentation touches.
// - 'bare': spawns Chromium with the URL and no DevTools connection at all, to check that
//   the driver does not move the ratios (BENCHMARKING.md: Playwright's network and worker
//   instrumentation adds 0.6–1.2 ms per fetch). Pages report over HTTP either way.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROME_ARGS, findChrome } from '../../scripts/chrome-path.mjs';

/** Flags Playwright adds that affect timing; the bare driver adds them too, so both match. */
/** Keep background tabs' timers and rendering at full speed while measuring. */
export const TIMING_ARGS = ['--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows', '--disable-renderer-backgrounding'];

export const DRIVERS = ['playwright', 'bare'];

/**
 * Opens `url` in a new Chromium with a fresh profile.
 * @param {string} url
 * @param {{ driver?: 'playwright' | 'bare', log?: (line: string) => void }} [options]
 * @returns {Promise<{ driver: string, chrome: string, version: string, diagnostics: () => string[], close: () => Promise<void> }>}
 */
export async function openPage(url, { driver = 'playwright', log = () => {} } = {}) {
  const chrome = findChrome();
  if (!chrome) throw new Error('no Chromium found: run `node scripts/ensure-chromium.mjs` or set CHROME_PATH');
  const profile = await mkdtemp(join(tmpdir(), 'cachette-bench-'));
  try {
    const opened = driver === 'bare' ? await openBare(chrome, profile, url, log) : await openPlaywright(chrome, profile, url, log);
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

async function openPlaywright(chrome, profile, url, log) {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chrome,
    args: CHROME_ARGS,
    headless: true,
  });
  const lines = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      const line = `console.${message.type()}: ${message.text()}`;
      lines.push(line);
      if (message.type() === 'error' || message.type() === 'warning') log(line);
    });
    page.on('pageerror', (error) => {
      const line = `page error: ${error.message}`;
      lines.push(line);
      log(line);
    });
    await page.goto(url);
    return {
      driver: 'playwright',
      version: context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent)),
      diagnostics: () => lines.slice(-50),
      close: () => context.close(),
    };
  } catch (error) {
    await context.close();
    throw error;
  }
}

async function openBare(chrome, profile, url, log) {
  const args = [...CHROME_ARGS, ...TIMING_ARGS, '--headless', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0', url];
  const { child, lines, exited, closing } = await spawnChrome(chrome, args, 3, log);
  return {
    driver: 'bare',
    version: 'see user agent',
    diagnostics: () => lines.slice(-50),
    async close() {
      closing();
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Starts Chromium with `args` and stdio slots up to `fds` (3: stderr only; 5: also the
 * DevTools pipe on fds 3 and 4). Keeps its last 200 stderr lines, logs the page's console
 * lines, and reports an early exit (a bad flag, a crash) that would otherwise only show as
 * a report timeout. `closing()` marks the exit as expected.
 */
export async function spawnChrome(chrome, args, fds, log) {
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
  return { child, lines, exited, closing: () => (expected = true) };
}
