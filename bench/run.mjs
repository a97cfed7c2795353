// Runs Cachette's benchmarks in real Chromium and writes bench/results/<name>.json.
//   node bench/run.mjs                       every benchmark
//   node bench/run.mjs get-latency           only the named ones
//   node bench/run.mjs --driver=bare         Chromium without Playwright (DevTools-free cross-check);
//                                            without --driver, each benchmark's `defaultDriver` (else playwright)
//   node bench/run.mjs --rounds=3000 --seed=2  page parameters, passed to every benchmark page
// Each module bench/<name>.mjs also runs on its own: `node bench/<name>.mjs [--driver=…] [--<param>=N…]`.
// Absolute times differ between machines and runs; compare the ratios measured in one run.
import { main } from './lib/harness.mjs';
import * as fetchHit from './fetch-hit.mjs';
import * as fragments from './fragments.mjs';
import * as getLatency from './get-latency.mjs';
import * as invalidation from './invalidation.mjs';
import * as pushFanout from './push-fanout.mjs';
import * as pushLatency from './push-latency.mjs';
import * as revalidation from './revalidation.mjs';
import * as scale from './scale.mjs';
import * as sharedMiss from './shared-miss.mjs';

/** Every benchmark: a module exporting `name`, `description`, `run(options)` and optionally `defaultDriver`. */
await main([getLatency, fetchHit, sharedMiss, invalidation, fragments, pushLatency, pushFanout, revalidation, scale], 'bench/run.mjs');
