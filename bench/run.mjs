// Runs Cachette's benchmarks in real Chromium and writes bench/results/<name>.json.
//   node bench/run.mjs                       every benchmark
//   node bench/run.mjs get-latency           only the named ones
//   node bench/run.mjs --driver=bare         Chromium without Playwright (DevTools-free cross-check);
//                                            without --driver, each benchmark's `defaultDriver` (else playwright)
//   node bench/run.mjs --rounds=3000 --seed=2  page parameters, passed to every benchmark page
// Absolute times differ between machines and runs; compare the ratios measured in one run.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DRIVERS } from './lib/browser.mjs';
import * as fetchHit from './fetch-hit.mjs';
import * as fragments from './fragments.mjs';
import * as getLatency from './get-latency.mjs';
import * as invalidation from './invalidation.mjs';
import * as pushFanout from './push-fanout.mjs';
import * as pushLatency from './push-latency.mjs';
import * as sharedMiss from './shared-miss.mjs';

/** Every benchmark: a module exporting `name`, `description`, `run(options)` and optionally `defaultDriver`. */
const BENCHMARKS = [getLatency, fetchHit, sharedMiss, invalidation, fragments, pushLatency, pushFanout];

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

const { values, positionals } = parseArgs({
  allowPositionals: true,
  strict: false,
  options: { driver: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});

if (values.help) {
  console.log(`usage: node bench/run.mjs [benchmark...] [--driver=${DRIVERS.join('|')}] [--<page param>=<number>...]\n`);
  for (const b of BENCHMARKS) console.log(`  ${b.name}: ${b.description}`);
  process.exit(0);
}
if (values.driver !== undefined && !DRIVERS.includes(values.driver)) {
  console.error(`unknown --driver '${values.driver}'; accepted: ${DRIVERS.join(', ')}`);
  process.exit(1);
}
const params = {};
for (const [key, value] of Object.entries(values)) {
  if (key === 'driver' || key === 'help') continue;
  const number = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(number)) {
    console.error(`--${key} must be a number (--${key}=N), got ${JSON.stringify(value)}`);
    process.exit(1);
  }
  params[key] = number;
}
const unknown = positionals.filter((p) => !BENCHMARKS.some((b) => b.name === p));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.map((u) => `'${u}'`).join(', ')}; accepted: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  process.exit(1);
}
const selected = positionals.length ? BENCHMARKS.filter((b) => positionals.includes(b.name)) : BENCHMARKS;

await mkdir(RESULTS, { recursive: true });
let failed = false;
for (const benchmark of selected) {
  const started = Date.now();
  const defaultDriver = benchmark.defaultDriver ?? 'playwright';
  const driver = values.driver ?? defaultDriver;
  console.error(`[bench] ${benchmark.name} (driver: ${driver})…`);
  try {
    const { markdown, json } = await benchmark.run({ driver, params, log: (line) => console.error(`[bench] ${line}`) });
    // Results under another driver than the benchmark's own go to a file of their own.
    const file = `${RESULTS}${benchmark.name}${driver === defaultDriver ? '' : `.${driver}`}.json`;
    json.command = `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
    await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
    console.log(`${markdown}\n`);
    console.error(`[bench] ${benchmark.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s → ${file}`);
  } catch (error) {
    failed = true;
    console.error(`[bench] ${benchmark.name} FAILED: ${error.stack ?? error}`);
  }
}
process.exitCode = failed ? 1 : 0;
