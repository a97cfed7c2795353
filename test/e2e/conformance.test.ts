/**
 * The public HTTP caching conformance suite (http-tests/cache-tests, vendored in
 * test/conformance/cache-tests) against `httpCache()` from 'cachette/sw', in headless
 * Chromium with its HTTP cache on: the browser profile's 300 tests, classified as the suite
 * does. Chromium's own HTTP cache passes 173 (`npm run conformance -- --worker none`);
 * the worker must pass at least 198 and every required test of gate-required.txt.
 * The results are kept in test/conformance/results/http-cache.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { formatSummary, runConformance } from '../conformance/run.mjs';

const resultsFile = fileURLToPath(new URL('../conformance/results/http-cache.json', import.meta.url));

it('httpCache passes the HTTP caching conformance suite', async () => {
  const summary = await runConformance({ worker: 'httpCache', runs: 1 });
  console.log(formatSummary(summary));
  await mkdir(fileURLToPath(new URL('../conformance/results/', import.meta.url)), { recursive: true });
  await writeFile(resultsFile, `${JSON.stringify(summary, null, 2)}\n`);

  const failing = summary.gateFailures.map((f) => `${f.id} (${f.result})${f.message ? `: ${f.message}` : ''}`);
  expect.soft(failing, `required tests not passing:\n${failing.join('\n')}`).toEqual([]);
  expect.soft(summary.totals.passing, 'conformance tests passing (the suite\'s `pass` class)').toBeGreaterThanOrEqual(198);
}, 900_000);
