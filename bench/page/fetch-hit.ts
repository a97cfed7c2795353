/**
 * Cache-hit fetch latency through service workers. Each variant lives on its own origin
 * (own server port, own worker, own storage); this page embeds one frame per origin and
 * drives them: it warms each variant (the first fetch is a miss; the next one must not
 * reach the server), then asks the frames for fetches in shuffled round-robin order. The
 * frames time their own fetches. The runner (bench/fetch-hit.mjs) builds, serves and
 * summarizes; it also re-checks the server's counts.
 */
import type { FetchResult } from './fetch-hit-frame.js';
import { openFrame, sleep, type Frame, type VariantSetup } from './lib/frames.js';
import { assertIsolated, numberParam, runAndReport, timerResolution } from './lib/harness.js';
import { shuffle, mulberry32 } from './lib/random.js';

interface SizeSetup {
  id: string;
  path: string;
  bytes: number;
}
interface Setup {
  variants: VariantSetup[];
  sizes: SizeSetup[];
}

const FETCH_TIMEOUT_MS = 10_000;
/** How many times a variant may miss after the first fetch before warming fails (its store is asynchronous). */
const WARM_TRIES = 40;
const WARM_PAUSE_MS = 50;

void runAndReport(async () => {
  assertIsolated();
  const setup = JSON.parse(new URLSearchParams(location.search).get('setup') ?? 'null') as Setup | null;
  if (!setup?.variants?.length || !setup.sizes?.length) throw new Error('the page needs ?setup={"variants":[…],"sizes":[…]}');
  const config = {
    warmup: numberParam('warmup', 200),
    rounds: numberParam('rounds', 1000),
    seed: numberParam('seed', 1),
    gapMs: numberParam('gapMs', 0),
  };
  const status = document.querySelector('#status')!;

  status.textContent = 'opening frames…';
  const frames = new Map<string, Frame>();
  for (const variant of setup.variants) frames.set(variant.id, await openFrame(variant, FETCH_TIMEOUT_MS));

  status.textContent = 'warming…';
  const warm: Record<string, Record<string, WarmResult>> = {};
  for (const variant of setup.variants) {
    warm[variant.id] = {};
    for (const size of setup.sizes) warm[variant.id]![size.path] = await warmUp(variant, size, frames.get(variant.id)!);
  }

  status.textContent = 'measuring…';
  const items = setup.variants.flatMap((variant) => setup.sizes.map((size) => ({ variant, size, frame: frames.get(variant.id)! })));
  const samplesMs: Record<string, Record<string, number[]>> = Object.fromEntries(
    setup.variants.map((v) => [v.id, Object.fromEntries(setup.sizes.map((s) => [s.id, [] as number[]]))]),
  );
  const random = mulberry32(config.seed);
  const started = performance.now();
  for (let round = 0; round < config.warmup + config.rounds; round += 1) {
    shuffle(items, random);
    for (const { variant, size, frame } of items) {
      const result = await frame.fetch(size.path);
      expectBody(variant, size, result);
      if (round >= config.warmup) samplesMs[variant.id]![size.id]!.push(result.ms);
      if (config.gapMs > 0) await sleep(config.gapMs);
    }
  }
  const interleavedMs = performance.now() - started;

  // Every measured fetch of a worker variant must have been a hit: the server saw none of them.
  const hitsAfter: Record<string, Record<string, number>> = {};
  const leaks: string[] = [];
  for (const variant of setup.variants) {
    hitsAfter[variant.id] = await serverHits(variant.origin);
    for (const size of setup.sizes) {
      const before = warm[variant.id]![size.path]!.serverHits;
      const after = hitsAfter[variant.id]![size.path]!;
      const expected = variant.worker ? before : before + config.warmup + config.rounds;
      if (after !== expected) {
        leaks.push(`${variant.id} ${size.path}: the server saw ${after - before} requests during the rounds, expected ${expected - before}`);
      }
    }
  }
  if (leaks.length) throw new Error(`fetches that should have been worker hits reached the server (or the reference did not):\n${leaks.join('\n')}`);

  status.textContent = 'done';
  return {
    userAgent: navigator.userAgent,
    crossOriginIsolated,
    timerResolutionMs: timerResolution(),
    config,
    frames: Object.fromEntries([...frames].map(([id, frame]) => [id, frame.ready])),
    warm,
    hitsAfter,
    interleavedMs,
    samplesMs,
  };
});

interface WarmResult {
  /** Fetches it took until one did not reach the server (the first is always a miss). */
  fetches: number;
  /** The server's count for the path once warm: measured hits must leave it unchanged. */
  serverHits: number;
}

/**
 * The first fetch must reach the server (a miss that fills the cache). A worker variant is
 * warm once a fetch does not reach the server; storing happens after the response, so a
 * few more misses may come first. The reference must reach the server every time.
 */
async function warmUp(variant: VariantSetup, size: SizeSetup, frame: Frame): Promise<WarmResult> {
  let seen = (await serverHits(variant.origin))[size.path]!;
  const fetchCounted = async (): Promise<boolean> => {
    expectBody(variant, size, await frame.fetch(size.path));
    const now = (await serverHits(variant.origin))[size.path]!;
    const reached = now !== seen;
    if (now - seen > 1) throw new Error(`${variant.id} ${size.path}: one fetch reached the server ${now - seen} times`);
    seen = now;
    return reached;
  };
  if (!(await fetchCounted())) throw new Error(`${variant.id} ${size.path}: the first fetch did not reach the server; the cache was not empty`);
  if (!variant.worker) {
    if (!(await fetchCounted())) throw new Error(`${variant.id} ${size.path}: a fetch without a worker did not reach the server`);
    return { fetches: 2, serverHits: seen };
  }
  for (let fetches = 2; fetches <= WARM_TRIES + 1; fetches += 1) {
    await sleep(WARM_PAUSE_MS);
    if (!(await fetchCounted())) return { fetches, serverHits: seen };
  }
  throw new Error(`${variant.id} ${size.path}: still a miss after ${WARM_TRIES + 1} fetches; the worker never served it from its cache`);
}

function expectBody(variant: VariantSetup, size: SizeSetup, result: FetchResult): void {
  if (result.status !== 200 || result.bytes !== size.bytes) {
    throw new Error(`${variant.id} ${size.path}: got status ${result.status} and ${result.bytes} bytes, expected 200 and ${size.bytes}`);
  }
}

/** The variant's server's per-path counts (this page is controlled by no worker: straight to the server). */
async function serverHits(origin: string): Promise<Record<string, number>> {
  const response = await fetch(`${origin}/__hits`);
  if (!response.ok) throw new Error(`${origin}/__hits answered ${response.status}`);
  return (await response.json()) as Record<string, number>;
}

