// @vitest-environment node
// cachetteWorker() in Vite's dev server when the worker does not build: the error goes to the
// terminal (the server's logger) and to Vite's error overlay (an HMR 'error' payload) as the
// file is saved, and /sw.js keeps serving the last good worker, so the browser keeps it.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createServer, type HotPayload, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachetteWorker } from '../../src/vite/plugin.js';

let app: string;
let vite: ViteDevServer;
let origin: string;
/** The terminal's error lines from cachette/vite (Vite's own build adds a "✗ Build failed" line). */
const logged: string[] = [];
const sent: HotPayload[] = [];

const good = (marker: string): string => `
  import { answer } from './answer';
  declare const self: ServiceWorkerGlobalScope;
  const MARKER: string = '${marker}';
  self.addEventListener('fetch', (event) => event.respondWith(new Response(MARKER + answer)));
`;

async function until<T>(what: () => T | undefined, label: string): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const value = what();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${label}`);
}

async function getWorker(): Promise<{ status: number; type: string | null; body: string }> {
  const response = await fetch(`${origin}/sw.js`);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

/** The next overlay error sent after `from` payloads. */
function overlayError(from: number) {
  return until(() => {
    const payload = sent.slice(from).find((p) => p.type === 'error');
    return payload?.type === 'error' ? payload.err : undefined;
  }, 'an overlay error');
}

beforeAll(async () => {
  app = await mkdtemp(join(tmpdir(), 'cachette-vite-errors-'));
  await mkdir(join(app, 'src'), { recursive: true });
  await writeFile(join(app, 'index.html'), '<!doctype html><title>dev</title>');
  await writeFile(join(app, 'src/answer.ts'), `export const answer: string = ' 42';\n`);
  // The worker does not build from the start.
  await writeFile(join(app, 'src/sw.ts'), `const broken: string = ;\n`);
  const logger = createLogger('warn', { allowClearScreen: false });
  logger.error = (msg) => {
    if (msg.startsWith('cachette/vite')) logged.push(msg);
  };
  vite = await createServer({
    root: app,
    configFile: false,
    customLogger: logger,
    plugins: [cachetteWorker()],
    server: { port: 0, host: '127.0.0.1', strictPort: false },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  const send = vite.ws.send.bind(vite.ws) as (payload: HotPayload) => void;
  vite.ws.send = ((payload: HotPayload) => {
    sent.push(payload);
    send(payload);
  }) as ViteDevServer['ws']['send'];
  await vite.listen();
  const address = vite.httpServer!.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}, 60_000);

afterAll(async () => {
  await vite?.close();
  if (app) await rm(app, { recursive: true, force: true });
});

describe('cachetteWorker dev server: worker build errors', () => {
  it('never built: /sw.js answers 500 with the error as text, and the terminal and overlay show it', async () => {
    const worker = await getWorker();
    expect(worker.status).toBe(500);
    expect(worker.type).toMatch(/^text\/plain/);
    expect(worker.body).toMatch(/^cachette\/vite: building the worker src\/sw\.ts failed:\n/);
    expect(worker.body).not.toContain('\u001b['); // no terminal colours for the browser
    expect(logged.at(-1)).toMatch(/cachette\/vite: building the worker src\/sw\.ts failed: /);
    const err = await overlayError(0);
    expect(err.plugin).toBe('cachette:worker');
    expect(err.message).not.toContain('\u001b[');
    expect(err.message).toMatch(/^cachette\/vite: building the worker src\/sw\.ts failed: /);
    expect(logged.length).toBe(1);
    await getWorker(); // a failure is reported once, not per request
    expect(logged.length).toBe(1);
  });

  it('a fix is built and served', async () => {
    const from = sent.length;
    await writeFile(join(app, 'src/sw.ts'), good('marker-1'));
    let worker = await getWorker();
    for (let i = 0; i < 50 && !worker.body.includes('marker-1'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      worker = await getWorker();
    }
    expect(worker.status).toBe(200);
    expect(worker.body).toContain('marker-1');
    // The overlay is cleared by a reload once the worker builds again.
    expect(sent.slice(from).some((p) => p.type === 'full-reload')).toBe(true);
  }, 30_000);

  it('a syntax error in sw.ts is reported as it is saved, and the last good worker is still served', async () => {
    const from = sent.length;
    const before = logged.length;
    await writeFile(join(app, 'src/sw.ts'), good('marker-2').replace("const MARKER: string =", 'const MARKER: string = = '));
    const err = await overlayError(from);
    expect(err.message).toMatch(/^cachette\/vite: building the worker src\/sw\.ts failed \(the last good worker is still served\): /);
    expect(logged.length).toBe(before + 1);
    expect(logged.at(-1)).toContain('(the last good worker is still served)');
    const worker = await getWorker();
    expect(worker.status).toBe(200);
    expect(worker.body).toContain('marker-1');
    expect(worker.body).not.toContain('marker-2');
  }, 30_000);

  it('an unresolved import names the module, and the last good worker is still served', async () => {
    const from = sent.length;
    await writeFile(join(app, 'src/sw.ts'), good('marker-3').replace("'./answer'", "'./answr'"));
    const err = await overlayError(from);
    expect(err.message).toContain('answr');
    expect(logged.at(-1)).toContain('answr');
    const worker = await getWorker();
    expect(worker.status).toBe(200);
    expect(worker.body).toContain('marker-1');
  }, 30_000);

  it('fixed again: the new worker is served', async () => {
    await writeFile(join(app, 'src/sw.ts'), good('marker-4'));
    let worker = await getWorker();
    for (let i = 0; i < 50 && !worker.body.includes('marker-4'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      worker = await getWorker();
    }
    expect(worker.body).toContain('marker-4');
  }, 30_000);

  it('two saves a moment apart (format-on-save): the second is built, though the watcher reports only the first', async () => {
    // Vite's watcher drops a file's changes for 50 ms after reporting one.
    await writeFile(join(app, 'src/sw.ts'), good('marker-5'));
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(join(app, 'src/sw.ts'), good('marker-6'));
    let worker = await getWorker();
    for (let i = 0; i < 50 && !worker.body.includes('marker-6'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      worker = await getWorker();
    }
    expect(worker.body).toContain('marker-6');
  }, 30_000);
});
