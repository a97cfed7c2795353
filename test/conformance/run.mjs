#!/usr/bin/env node
/**
 * Runs the HTTP caching conformance suite (http-tests/cache-tests, vendored unchanged in
 * ./cache-tests) in headless Chromium, in the browser profile (`runTests(baseTests, true)`,
 * 300 tests), with no service worker or with a worker built from this package, and
 * classifies the results exactly as the suite does (`determineTestResult`).
 *
 * The loopback server reuses the suite's own /config/, /state/ and /test/ handlers (not
 * server.mjs, which listens on every interface when imported); it serves the suite's files,
 * the built worker at /sw.js and a runner page at /run.html. Needs `npm run build` first
 * (the worker imports 'cachette/sw' from dist/ through 'cachette/vite').
 *
 * @example
 * // npm run conformance -- --worker httpCache --runs 3 --json /tmp/http-cache.json
 * const summary = await runConformance({ worker: 'httpCache' });
 * console.log(formatSummary(summary));
 */
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROME_ARGS, findChrome } from '../../scripts/chrome-path.mjs';
import handleConfig from './cache-tests/test-engine/server/handle-config.mjs';
import handleState from './cache-tests/test-engine/server/handle-state.mjs';
import handleTest from './cache-tests/test-engine/server/handle-test.mjs';
import { determineTestResult, resultTypes } from './cache-tests/test-engine/lib/results.mjs';
import baseTests from './cache-tests/tests/index.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const suiteDir = join(here, 'cache-tests');

/** The worker modes: `none` is Chromium's own HTTP cache alone. */
export const WORKERS = {
  none: undefined,
  cacheSite: join(here, 'sw-cache-site.ts'),
  httpCache: join(here, 'sw-http-cache.ts'),
  // fetch(event.request) and nothing else: what a worker's fetches get from the HTTP cache.
  passthrough: join(here, 'sw-passthrough.ts'),
};

/** The classifications, in table order (the keys of the suite's `resultTypes`). */
export const CLASSES = ['pass', 'fail', 'optional_fail', 'yes', 'no', 'setup_fail', 'harness_fail', 'dependency_fail', 'retry', 'untested'];

const gateIds = await readGate();

const classOf = new Map(Object.entries(resultTypes).map(([name, type]) => [type, name]));

/** The ids of the required tests a service-worker cache must pass (gate-required.txt). */
async function readGate() {
  const text = await readFile(join(suiteDir, 'gate-required.txt'), 'utf8');
  return text.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
}

/**
 * Builds the worker of `mode`, runs the suite `runs` times (a fresh profile each), and
 * returns the summary of the first run plus how the others differed from it.
 * `only`: test ids to run (their `depends_on` tests run too, so the classification holds).
 */
export async function runConformance({ worker = 'httpCache', runs = 1, only, timeout = 600_000, log = () => {} } = {}) {
  if (!(worker in WORKERS)) throw new Error(`unknown worker mode '${worker}': expected one of ${Object.keys(WORKERS).join(', ')}`);
  const tmp = await mkdtemp(join(tmpdir(), 'cachette-conformance-'));
  try {
    const entry = WORKERS[worker];
    const workerFile = entry ? await buildConformanceWorker(entry, join(tmp, 'worker')) : undefined;
    const ids = only ? withDependencies(only) : undefined;
    const summaries = [];
    for (let i = 0; i < runs; i++) {
      log(`run ${i + 1}/${runs} (worker: ${worker})`);
      const started = Date.now();
      const { results, uuids, chromium: version } = await runOnce({ workerFile, ids, timeout });
      summaries.push(summarize({ results, uuids, worker, chromium: version, seconds: (Date.now() - started) / 1000, only: ids }));
      log(`  ${summaries.at(-1).totals.passing} passing, ${summaries.at(-1).seconds.toFixed(0)} s`);
    }
    const [first, ...others] = summaries;
    return { ...first, runs: compareRuns(summaries), ...(others.length ? { otherRuns: others.map(({ totals, seconds }) => ({ totals, seconds })) } : {}) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The per-test classification, the per-group table, the totals and the gate of one run. */
export function summarize({ results, uuids = {}, worker, chromium: version, seconds, only }) {
  const tests = {};
  const groups = [];
  for (const suite of baseTests) {
    const counts = Object.fromEntries(CLASSES.map((name) => [name, 0]));
    for (const test of suite.tests) {
      if (!inBrowserProfile(test)) continue;
      const kind = classOf.get(determineTestResult(baseTests, test.id, results));
      counts[kind]++;
      const raw = results[test.id];
      tests[test.id] = { group: suite.id, kind: test.kind ?? 'required', result: kind, ...(Array.isArray(raw) ? { message: raw.join(': ') } : {}), ...(uuids[test.id] ? { uuid: uuids[test.id] } : {}) };
    }
    groups.push({ id: suite.id, name: suite.name, ...counts });
  }
  const totals = Object.fromEntries(CLASSES.map((name) => [name, groups.reduce((sum, group) => sum + group[name], 0)]));
  // As SNAPSHOT.md's "Chromium passes 173": the `pass` class (required and optimal tests
  // passed, dependencies honoured). `yes` is an answer to a check, reported on its own.
  totals.passing = totals.pass;
  totals.passOrYes = totals.pass + totals.yes;
  totals.tests = Object.keys(tests).length;
  // With --only, the gate is the part of it that ran.
  const gate = only ? gateIds.filter((id) => only.includes(id)) : gateIds;
  return { worker, chromium: version, date: new Date().toISOString(), seconds, totals, groups, gate: gate.length, gateFailures: gateFailures(tests, gate), ...(only ? { only } : {}), tests };
}

/** The gate's ids that did not pass in `tests` (a `summarize` result's `tests`), with why. */
export function gateFailures(tests, gate = gateIds) {
  return gate.filter((id) => tests[id]?.result !== 'pass').map((id) => ({ id, result: tests[id]?.result ?? 'untested', ...(tests[id]?.message ? { message: tests[id].message } : {}) }));
}

/** The per-group table, the totals and the gate, as printed by the CLI. */
export function formatSummary(summary) {
  const cols = CLASSES;
  const width = Math.max(...summary.groups.map((group) => group.id.length), 'total'.length);
  const head = ['group'.padEnd(width), ...cols.map((col) => col.padStart(Math.max(col.length, 4)))].join(' ');
  const row = (name, counts) => [name.padEnd(width), ...cols.map((col) => String(counts[col]).padStart(Math.max(col.length, 4)))].join(' ');
  const lines = [head, ...summary.groups.map((group) => row(group.id, group)), row('total', summary.totals)];
  const { totals } = summary;
  lines.push('', `${summary.chromium}, worker: ${summary.worker}, ${totals.tests - totals.untested} of ${totals.tests} tests run, ${summary.seconds.toFixed(0)} s`);
  lines.push(`passing: ${totals.passing} (pass; pass + yes: ${totals.passOrYes})`);
  const gate = summary.gateFailures;
  lines.push(gate.length ? `gate: ${gate.length} of ${summary.gate} required tests not passing:` : `gate: all ${summary.gate} required tests pass`);
  for (const failure of gate) lines.push(`  ${failure.id} (${failure.result})${failure.message ? `: ${failure.message}` : ''}`);
  if (summary.runs && summary.runs.count > 1) {
    const { count, identical, differing } = summary.runs;
    const passing = [summary.totals, ...(summary.otherRuns ?? []).map((run) => run.totals)].map((totals) => totals.passing).join(', ');
    lines.push(`${count} runs (the table is run 1's), passing ${passing}: ${identical ? 'every result identical' : `${differing.length} tests differed:`}`);
    for (const diff of differing) lines.push(`  ${diff.id}: ${diff.results.join(' / ')}`);
  }
  return lines.join('\n');
}

function inBrowserProfile(test) {
  // As runTests(tests, true) selects them.
  return test.cdn_only !== true && test.browser_skip !== true;
}

function withDependencies(only) {
  const byId = new Map(baseTests.flatMap((suite) => suite.tests.map((test) => [test.id, test])));
  const ids = new Set();
  const add = (id) => {
    if (ids.has(id)) return;
    if (!byId.has(id)) throw new Error(`unknown test id '${id}' in --only`);
    ids.add(id);
    for (const dep of byId.get(id).depends_on ?? []) add(dep);
  };
  for (const id of only) add(id);
  return [...ids];
}

function compareRuns(summaries) {
  const differing = [];
  for (const id of Object.keys(summaries[0].tests)) {
    const results = summaries.map((summary) => summary.tests[id].result);
    if (new Set(results).size > 1) differing.push({ id, results });
  }
  return { count: summaries.length, identical: differing.length === 0, differing };
}

/** As test/e2e/support/build-worker.ts: a throwaway vite build with the built cachette/vite. */
async function buildConformanceWorker(entry, outDir) {
  // Imported here so --worker none runs without a build.
  const { build } = await import('vite');
  // Through package.json `exports`, as an app imports it (the package's self-reference).
  const { cachetteWorker } = await import('cachette/vite');
  const root = await mkdtemp(join(tmpdir(), 'cachette-worker-'));
  try {
    await writeFile(join(root, 'index.html'), '<!doctype html><title>worker build</title>\n');
    await mkdir(outDir, { recursive: true });
    await build({
      root,
      configFile: false,
      logLevel: 'warn',
      plugins: [cachetteWorker({ entry: resolve(entry), fileName: 'sw.js' })],
      build: { outDir: resolve(outDir), emptyOutDir: true, reportCompressedSize: false },
    });
    return join(outDir, 'sw.js');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function runOnce({ workerFile, ids, timeout }) {
  const server = await startSuiteServer({ workerFile, ids });
  const executablePath = findChrome();
  if (!executablePath) throw new Error('no Chromium found: install Debian\'s chromium (node scripts/ensure-chromium.mjs) or set CHROME_PATH');
  const profile = await mkdtemp(join(tmpdir(), 'cachette-conformance-profile-'));
  let context;
  try {
    // The HTTP cache stays on: with --worker none it is what is measured, and a worker's own
    // fetches go through it too.
    context = await chromium.launchPersistentContext(profile, { executablePath, args: CHROME_ARGS, headless: true });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const session = await context.newCDPSession(page);
    const { product } = await session.send('Browser.getVersion');
    await session.detach();
    await page.goto(`${server.origin}/run.html`);
    const handle = await page.waitForFunction(() => window.conformance?.done && window.conformance, null, { timeout, polling: 500 })
      .catch((error) => { throw new Error(`the runner page did not finish: ${errors.join('; ') || error.message}`, { cause: error }); });
    const state = await handle.jsonValue();
    if (state.error) throw new Error(`the runner page failed: ${state.error}`);
    return { results: state.results, uuids: state.uuids, chromium: product };
  } finally {
    try {
      await context?.close();
    } finally {
      await server.close();
      // Chromium may still be flushing the profile for a moment after close.
      await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    }
  }
}

const MIME = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.otf': 'font/otf', '.eot': 'application/vnd.ms-fontobject', '.txt': 'text/plain' };

/** The suite's server on 127.0.0.1, plus /sw.js (when a worker is given) and /run.html. */
async function startSuiteServer({ workerFile, ids }) {
  const page = runnerPage({ worker: Boolean(workerFile), ids });
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    const segments = url.pathname.split('/');
    segments.shift();
    const dispatch = segments.shift();
    // As server.mjs's handleMain.
    if (dispatch === 'config') return handleConfig(segments, request, response);
    if (dispatch === 'test') return handleTest(segments, request, response);
    if (dispatch === 'state') return handleState(segments, request, response);
    if (url.pathname === '/run.html') return send(response, 200, 'text/html', page);
    if (url.pathname === '/sw.js' && workerFile) return sendFile(response, workerFile);
    const file = resolve(suiteDir, `.${decodeURIComponent(url.pathname)}`);
    if (!file.startsWith(suiteDir + sep)) return send(response, 404, 'text/plain', 'Not Found\n');
    return sendFile(response, file);
  });
  await new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolveListen);
  });
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolveClose) => {
      server.closeAllConnections();
      server.close(() => resolveClose());
    }),
  };
}

function send(response, status, type, body) {
  response.writeHead(status, { 'Content-Type': type });
  response.end(body);
}

// As the suite's handle-file.mjs (a Content-Type and nothing else), from the vendored copy.
async function sendFile(response, file) {
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    send(response, 200, MIME[extname(file)] ?? 'application/octet-stream', await readFile(file));
  } catch {
    send(response, 404, 'text/plain', 'Not Found\n');
  }
}

function runnerPage({ worker, ids }) {
  const config = JSON.stringify({ worker, ids: ids ?? null });
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>cachette conformance</title>
<script type="module">
const config = ${config};
window.conformance = { done: false };
async function controlled() {
  const container = navigator.serviceWorker;
  await container.register('/sw.js', { scope: '/' });
  if (container.controller) return true;
  await new Promise((resolve) => {
    container.addEventListener('controllerchange', resolve, { once: true });
    setTimeout(resolve, 10000);
  });
  return Boolean(container.controller);
}
async function run() {
  if (config.worker && !(await controlled())) {
    if (!sessionStorage.getItem('reloaded')) {
      sessionStorage.setItem('reloaded', '1');
      location.reload();
      return;
    }
    throw new Error('no service worker took control of the runner page, even after a reload');
  }
  const { runTests, getResults } = await import('./test-engine/client/runner.mjs');
  const { testUUIDs } = await import('./test-engine/client/test.mjs');
  const { default: baseTests } = await import('./tests/index.mjs');
  // The runner has no filter: --only runs a reduced copy of the suites.
  const ids = config.ids && new Set(config.ids);
  const tests = ids ? baseTests.map((suite) => ({ ...suite, tests: suite.tests.filter((test) => ids.has(test.id)) })) : baseTests;
  await runTests(tests, true);
  window.conformance = { done: true, results: getResults(), uuids: { ...testUUIDs } };
}
run().catch((error) => {
  window.conformance = { done: true, error: String(error && error.stack || error) };
});
</script></head><body><p>Running the HTTP caching conformance suite…</p></body></html>
`;
}

async function main() {
  const { values } = parseArgs({
    options: {
      worker: { type: 'string', default: 'httpCache' },
      runs: { type: 'string', default: '1' },
      json: { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('usage: node test/conformance/run.mjs [--worker none|passthrough|cacheSite|httpCache] [--runs N] [--json file] [--only id,id]');
    return;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, not '${values.runs}'`);
  const only = values.only ? values.only.split(',').map((id) => id.trim()).filter(Boolean) : undefined;
  const summary = await runConformance({ worker: values.worker, runs, only, log: (line) => console.error(line) });
  console.log(formatSummary(summary));
  if (only) {
    for (const id of only) console.log(`${id}: ${summary.tests[id].result}${summary.tests[id].message ? ` (${summary.tests[id].message})` : ''} uuid ${summary.tests[id].uuid}`);
  }
  if (values.json) {
    await mkdir(dirname(resolve(values.json)), { recursive: true });
    await writeFile(values.json, `${JSON.stringify(summary, null, 2)}\n`);
    console.error(`results written to ${values.json}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
