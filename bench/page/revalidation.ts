/**
 * The cost of refreshing an expired entry, one origin per variant (own server port, own
 * worker, own storage): this page embeds each origin's fetch-hit frame (the same frame as the
 * fetch-hit benchmark: it registers the origin's worker, fetches a path and times fetch +
 * whole body by its own isolated clock) and asks them for fetches in shuffled round-robin
 * order. Every measured fetch reaches the server (the entry is always expired); the runner
 * (bench/revalidation.mjs) checks what each answered (304 or 200) and counts the bytes.
 */
import type { FetchResult } from './fetch-hit-frame.js';
import { openFrame, sleep, type Frame, type VariantSetup } from './lib/frames.js';
import { assertIsolated, numberParam, runAndReport, timerResolution } from './lib/harness.js';
import { shuffle, mulberry32 } from './lib/random.js';

interface Setup {
  variants: VariantSetup[];
  path: string;
  bytes: number;
}

const FETCH_TIMEOUT_MS = 20_000;
/** After the first fetch (a miss), time for the worker's background write to land before the entry is revalidated. */
const STORE_PAUSE_MS = 300;

void runAndReport(async () => {
  assertIsolated();
  const setup = JSON.parse(new URLSearchParams(location.search).get('setup') ?? 'null') as Setup | null;
  if (!setup?.variants?.length || !setup.path) throw new Error('the page needs ?setup={"variants":[…],"path":…,"bytes":…}');
  const config = {
    warmup: numberParam('warmup', 20),
    rounds: numberParam('rounds', 200),
    seed: numberParam('seed', 1),
  };
  const status = document.querySelector('#status')!;

  status.textContent = 'opening frames…';
  const frames = new Map<string, Frame>();
  for (const variant of setup.variants) frames.set(variant.id, await openFrame(variant, FETCH_TIMEOUT_MS));

  // The first fetch of each variant fills its worker's cache; from the second on, each one refreshes the expired entry.
  status.textContent = 'filling…';
  const fetches: Record<string, number> = {};
  for (const variant of setup.variants) {
    expectBody(variant, setup, await frames.get(variant.id)!.fetch(setup.path));
    fetches[variant.id] = 1;
  }
  await sleep(STORE_PAUSE_MS);

  status.textContent = 'measuring…';
  const samplesMs: Record<string, number[]> = Object.fromEntries(setup.variants.map((v) => [v.id, [] as number[]]));
  const order = [...setup.variants];
  const random = mulberry32(config.seed);
  const started = performance.now();
  for (let round = 0; round < config.warmup + config.rounds; round += 1) {
    shuffle(order, random);
    for (const variant of order) {
      const result = await frames.get(variant.id)!.fetch(setup.path);
      fetches[variant.id]! += 1;
      expectBody(variant, setup, result);
      if (round >= config.warmup) samplesMs[variant.id]!.push(result.ms);
    }
  }
  const interleavedMs = performance.now() - started;

  status.textContent = 'done';
  return {
    userAgent: navigator.userAgent,
    crossOriginIsolated,
    timerResolutionMs: timerResolution(),
    config,
    frames: Object.fromEntries([...frames].map(([id, frame]) => [id, frame.ready])),
    fetches,
    interleavedMs,
    samplesMs,
  };
});

function expectBody(variant: VariantSetup, setup: Setup, result: FetchResult): void {
  if (result.status !== 200 || result.bytes !== setup.bytes) {
    throw new Error(`${variant.id} ${setup.path}: got status ${result.status} and ${result.bytes} bytes, expected 200 and ${setup.bytes}`);
  }
}

