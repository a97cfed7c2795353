// The one harness of the benchmarks. A benchmark is a module exporting `name`,
// `description`, `run({ driver, params, log })` → `{ markdown, json }` and optionally
// `defaultDriver` (else 'playwright'); `main` runs a list of them from the command line
// (bench/run.mjs, or one module run on its own), `runPage` is the whole life of a page
// benchmark (build, serve, open, wait for its report), and the rest formats what they return.
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openBrowser, DRIVERS } from './browser.mjs';
import { buildPage } from './build-page.mjs';
import { buildWorker } from './build-worker.mjs';
import { startOrigin, startServer } from './server.mjs';
import { round2 } from './stats.mjs';
import { fixed, markdownTable } from './table.mjs';

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

/**
 * Runs the benchmarks the command line names (all of `benchmarks` when it names none): the
 * markdown on stdout, progress on stderr, the JSON in bench/results/<name>.json
 * (`<name>.<driver>.json` under another driver than the benchmark's own).
 *   [benchmark...] [--driver=playwright|bare] [--<page param>=<number>...]
 * @param {{ name: string, description: string, defaultDriver?: string, run: Function }[]} benchmarks
 * @param {string} script how the command is written in the results (`bench/run.mjs`)
 */
export async function main(benchmarks, script) {
  const { values, positionals } = parseArgs({ allowPositionals: true, strict: false, options: { driver: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  const fail = (message) => {
    console.error(message);
    process.exitCode = 1;
  };
  if (values.help) {
    console.log(`usage: node ${script} ${benchmarks.length > 1 ? '[benchmark...] ' : ''}[--driver=${DRIVERS.join('|')}] [--<page param>=<number>...]\n`);
    for (const b of benchmarks) console.log(`  ${b.name}: ${b.description}`);
    return;
  }
  if (values.driver !== undefined && !DRIVERS.includes(values.driver)) return fail(`unknown --driver '${values.driver}'; accepted: ${DRIVERS.join(', ')}`);
  const params = {};
  for (const [key, value] of Object.entries(values)) {
    if (key === 'driver' || key === 'help') continue;
    const number = Number(value);
    if (typeof value !== 'string' || !Number.isFinite(number)) return fail(`--${key} must be a number (--${key}=N), got ${JSON.stringify(value)}`);
    params[key] = number;
  }
  const unknown = positionals.filter((p) => !benchmarks.some((b) => b.name === p));
  if (unknown.length) return fail(`unknown benchmark ${unknown.map((u) => `'${u}'`).join(', ')}; accepted: ${benchmarks.map((b) => b.name).join(', ')}`);
  const selected = positionals.length ? benchmarks.filter((b) => positionals.includes(b.name)) : benchmarks;

  await mkdir(RESULTS, { recursive: true });
  for (const benchmark of selected) {
    const started = Date.now();
    const defaultDriver = benchmark.defaultDriver ?? 'playwright';
    const driver = values.driver ?? defaultDriver;
    console.error(`[bench] ${benchmark.name} (driver: ${driver})…`);
    try {
      const { markdown, json } = await benchmark.run({ driver, params, log: (line) => console.error(`[bench] ${line}`) });
      const file = `${RESULTS}${benchmark.name}${driver === defaultDriver ? '' : `.${driver}`}.json`;
      json.command = `node ${script} ${process.argv.slice(2).join(' ')}`.trim();
      await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
      console.log(`${markdown}\n`);
      console.error(`[bench] ${benchmark.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s → ${file}`);
    } catch (error) {
      fail(`[bench] ${benchmark.name} FAILED: ${error.stack ?? error}`);
    }
  }
}

/** Runs `benchmark` (a module's exports) when its module is the script node was started with. */
export async function runIfMain(moduleUrl, benchmark) {
  if (process.argv[1] && fileURLToPath(moduleUrl) === process.argv[1]) await main([benchmark], `bench/${benchmark.name}.mjs`);
}

/** The benchmark's parameters: each of `defaults` unless the command line gave it (`--name=N`). */
export const withDefaults = (params, defaults) => Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, params[k] ?? v]));

/** The load average now, and `{ before, after }` (rounded) when called again: other work on this 2-core machine shifts absolute times. */
export function loadMeter() {
  const before = loadavg().map(round2);
  return () => ({ before, after: loadavg().map(round2) });
}

/**
 * A page benchmark: builds bench/page/<page>.html, serves it cross-origin isolated (with
 * `routes` beside it, see bench/lib/server.mjs), opens one tab per entry of `tabs` (its query parameters,
 * before the page parameters `params`) and resolves to the page's report once it is in.
 * @param {{ page: string, driver: string, params?: Record<string, number>, log?: (line: string) => void, timeoutMs: number,
 *   tabs?: Record<string, string>[], routes?: Record<string, Function>, separateWindows?: boolean, pipe?: boolean,
 *   notIsolated?: string, load?: () => object, environment?: (browser) => Promise<object> }} options
 * @returns {Promise<{ result: any, environment: object }>} the report's `result`, and `environment`:
 *   driver, version, chrome, what `options.environment` adds, and the load average before and after
 */
export async function runPage({ page, driver, params = {}, log = () => {}, timeoutMs, tabs = [{}], routes = {}, separateWindows, pipe, notIsolated = 'the page was not cross-origin isolated; timings would be coarsened to 100 µs', load = loadMeter(), environment = async () => ({}) }) {
  const built = await buildPage(page);
  const server = await startServer({ mounts: { '/': built.dir }, routes });
  let browser;
  try {
    const urls = tabs.map((query) => {
      const search = new URLSearchParams(Object.entries({ ...query, ...params }).map(([k, v]) => [k, String(v)]));
      return `${server.origin}${built.path}${search.size ? `?${search}` : ''}`;
    });
    const reported = server.nextReport(timeoutMs);
    browser = await openBrowser(urls, { driver, log, separateWindows, pipe });
    let report;
    try {
      report = await reported;
    } catch (error) {
      throw new Error(`${error.message}; last browser output:\n${browser.diagnostics().join('\n')}`, { cause: error });
    }
    if (!report.ok) throw new Error(`the page failed: ${report.error}\n${report.stack ?? ''}`);
    if (report.result.crossOriginIsolated !== true) throw new Error(notIsolated);
    const extra = await environment(browser);
    return { result: report.result, environment: { driver, version: browser.version, chrome: browser.chrome, ...extra, loadAverage1m5m15m: load() } };
  } finally {
    await browser?.close();
    await server.close();
  }
}

/**
 * One origin per variant, each with its own worker (bench/workers/<variant.worker>.ts, built
 * from `variant.checkout` when set; none without `worker`) and so its own storage: no variant's
 * writes share an IndexedDB or Cache Storage backend with another's reads. `variant.headers`
 * go on that origin's bodies only.
 * @param {{ worker?: string, checkout?: string, headers?: Record<string, string> }[]} variants
 * @param {{ root: string, bodies: Record<string, Buffer>, delayMs?: number }} options see `startOrigin`
 */
export async function startOrigins(variants, options) {
  const workers = await Promise.all(variants.map((v) => (v.worker ? buildWorker(v.worker, v.checkout) : undefined)));
  const origins = [];
  const close = () => Promise.all(origins.map((o) => o.close()));
  try {
    for (const [i, worker] of workers.entries()) origins.push(await startOrigin({ ...options, headers: variants[i].headers, worker }));
  } catch (error) {
    await close();
    throw error;
  }
  return Object.assign(origins, { close });
}

/** The common line under a page benchmark's title: driver, browser, timer, how long, load. */
export function environmentLine(result, environment, timer, ...more) {
  const { before, after } = environment.loadAverage1m5m15m;
  return [`driver: ${environment.driver}`, result.userAgent, `timer resolution ${timer}`, ...more, `interleaved part took ${fixed(result.interleavedMs / 1000, 1)} s`, `load average (1 min) ${before[0]} before, ${after[0]} after`].join('; ');
}

/** The markdown table of `rows` (the variants), one column per `[header, cell(row)]`. */
export function variantTable(rows, columns) {
  return markdownTable(
    columns.map(([header]) => header),
    rows.map((row) => columns.map(([, cell]) => cell(row))),
  );
}

/** The start of every result file. */
export const resultJson = ({ name, description }, fields) => ({ benchmark: name, description, date: new Date().toISOString(), ...fields });
