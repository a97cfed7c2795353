/**
 * The newcomer's path, as the README tells it: the React + TypeScript app `npm create vite --
 * --template react-ts` makes, with the quick start's files (test/newcomer/app), Cachette installed from its packed tarball (`npm pack` of this
 * package, as the registry would ship it; the other packages from the registry or npm's
 * cache), built with `vite build`, served with `vite preview`, in real Chromium. The worker
 * must control the page and cache the API; after a shift-reload, and with the worker plugin
 * forgotten, the page must still render and the console say why there is no worker.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify, stripVTControlCharacters } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdp, launchBrowser, waitForController, type TestBrowser } from './support/browser.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const template = fileURLToPath(new URL('../newcomer/app', import.meta.url));

let dir: string;
let browser: TestBrowser;

/** A free loopback port. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `vite preview` of the app on a free port, with `env`; resolves once it listens. */
async function preview(env: Record<string, string> = {}): Promise<{ origin: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(join(dir, 'node_modules/.bin/vite'), ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Vite's own lock refuses a second preview of the project while this one lives: wait for the exit.
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await exited;
  };
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        // Colours stay on where CI is set (the port is printed bold): read the text.
        if (stripVTControlCharacters(output).includes(`127.0.0.1:${port}`)) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (code) => reject(new Error(`vite preview exited with ${code}: ${output}`)));
      setTimeout(() => reject(new Error(`vite preview did not say it listens on ${port} within 30 s: ${output}`)), 30_000).unref();
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { origin: `http://127.0.0.1:${port}`, stop };
}

async function build(env: Record<string, string> = {}, outDir = 'dist'): Promise<void> {
  await run(join(dir, 'node_modules/.bin/vite'), ['build', '--outDir', outDir], { cwd: dir, env: { ...process.env, ...env } });
}

/** The min+gzip size of a build's main chunk (`<outDir>/assets/index-*.js`). */
async function mainChunk(outDir: string): Promise<number> {
  const assets = await readdir(join(dir, outDir, 'assets'));
  const main = assets.find((name) => /^index-.*\.js$/.test(name));
  expect(main, assets.join(', ')).toBeDefined();
  return gzipSync(await readFile(join(dir, outDir, 'assets', main!)), { level: 9 }).length;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cachette-newcomer-'));
  await cp(template, dir, { recursive: true });
  // The package as the registry would ship it (npm test has built dist/).
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root });
  const tarball = join(dir, stdout.trim().split('\n').pop()!);
  const own = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string>; dependencies: Record<string, string> };
  const dev = (name: string) => `${name}@${own.devDependencies[name]}`;
  // What the React template already has, then what the README's install line names.
  const scaffold = [dev('vite'), dev('react'), dev('react-dom'), dev('@types/react'), dev('@types/react-dom'), '@vitejs/plugin-react@^6.1.2'];
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...scaffold, tarball, `workbox-routing@${own.dependencies['workbox-routing']}`], { cwd: dir });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a new Vite app following the README', () => {
  it('type-checks, page and worker, with skipLibCheck: false (the README\'s two projects)', async () => {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    for (const project of ['tsconfig.app.json', 'tsconfig.sw.json']) {
      const result = await run(process.execPath, [tsc, '-p', project], { cwd: dir }).then(
        () => 'clean',
        (error: { stdout?: string }) => error.stdout ?? String(error),
      );
      expect(result, project).toBe('clean');
    }
  }, 120_000);

  it('builds; its worker controls the page and caches the API; a shift-reload still renders and says why', async () => {
    // What the README says the quick start adds to the main bundle: the same app built without Cachette, then with it.
    await build({ NEWCOMER_NO_CACHETTE: '1' }, 'dist-without');
    await build();
    const grown = (await mainChunk('dist')) - (await mainChunk('dist-without'));
    console.log(`newcomer: the quick start adds ${grown} bytes min+gzip to the main bundle`);
    expect(grown, 'min+gzip bytes the quick start adds').toBeLessThanOrEqual(12 * 1024);
    expect(grown, 'min+gzip bytes the quick start adds').toBeGreaterThan(0);
    const server = await preview();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.origin}/`);
      await waitForController(page);
      await expect.poll(() => page.textContent('#app')).toMatch(/^time: \d+$/);
      const read = () => page.evaluate(async () => ((await (await fetch('/api/time')).json()) as { time: number }).time);
      const first = await read();
      // The same number again: the worker answered, the API was not called.
      expect(await read()).toBe(first);
      // A shift-reload bypasses the worker for that load: the page still renders, and the console says why.
      const warnings: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'warning') warnings.push(message.text());
      });
      const session = await cdp(page);
      await session.send('Page.reload', { ignoreCache: true });
      await expect.poll(() => page.textContent('#app').catch(() => '')).toMatch(/^time: \d+$/);
      await expect.poll(() => warnings.join('\n')).toMatch(/hard reload \(shift-reload\).*the page keeps working/);
      expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
      await session.detach();
      await page.close();
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('still renders, and says why in the console, when the worker plugin is forgotten', async () => {
    await build({ NEWCOMER_NO_PLUGIN: '1' });
    const server = await preview({ NEWCOMER_NO_PLUGIN: '1' });
    try {
      // Another port: another origin, with no worker registered.
      const page = await browser.newPage();
      const warnings: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'warning') warnings.push(message.text());
      });
      await page.goto(`${server.origin}/`);
      await expect.poll(() => page.textContent('#app')).toMatch(/^time: \d+$/);
      await expect.poll(() => warnings.join('\n')).toContain('sw.js');
      expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
      await page.close();
    } finally {
      await server.stop();
    }
  }, 120_000);
});
