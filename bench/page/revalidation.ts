/**
 * The cost of refreshing an expired entry, one origin per variant (own server port, own
 * worker, own storage): this page embeds each origin's fetch-hit frame (the same frame as the
 * fetch-hit benchmark: it registers the origin's worker, fetches a path and times fetch +
 * whole body by its own isolated clock) and asks them for fetches in shuffled round-robin
 * order. Every measured fetch reaches the server (the entry is always expired); the runner
 * (bench/revalidation.mjs) checks what each answered (304 or 200) and counts the bytes.
 */
import type { FetchResult } from './fetch-hit-frame.js';
import { assertIsolated, numberParam, runAndReport, timerResolution } from './lib/harness.js';
import { shuffle, mulberry32 } from './lib/random.js';

interface VariantSetup {
  id: string;
  origin: string;
  worker: boolean;
}
interface Setup {
  variants: VariantSetup[];
  path: string;
  bytes: number;
}
interface Ready {
  type: 'ready';
  controller: string | null;
  crossOriginIsolated: boolean;
  timerResolutionMs: number;
}

const READY_TIMEOUT_MS = 30_000;
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
  for (const variant of setup.variants) frames.set(variant.id, await openFrame(variant));

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

interface Frame {
  ready: Ready;
  fetch(path: string): Promise<FetchResult>;
}

/** Embeds the variant's frame, hands it a port, and waits until its worker controls it. */
async function openFrame(variant: VariantSetup): Promise<Frame> {
  const iframe = document.createElement('iframe');
  // Cross-origin frames are isolated (fine-grained timers) only when the page delegates it.
  iframe.allow = 'cross-origin-isolated';
  iframe.src = `${variant.origin}/fetch-hit-frame.html`;
  const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
  document.querySelector('#frames')!.append(iframe);
  await withTimeout(loaded, READY_TIMEOUT_MS, `the frame of ${variant.id} did not load`);
  const { port1, port2 } = new MessageChannel();
  let pending: ((data: unknown) => void) | undefined;
  port1.onmessage = (event) => {
    const resolve = pending;
    pending = undefined;
    resolve?.(event.data);
  };
  const ask = (send: () => void, timeoutMs: number, what: string): Promise<unknown> => {
    if (pending) throw new Error(`${variant.id}: one request at a time`);
    const answer = new Promise((resolve) => {
      pending = resolve;
    });
    send();
    return withTimeout(answer, timeoutMs, `${variant.id}: ${what}`);
  };
  const ready = (await ask(
    () => iframe.contentWindow!.postMessage({ type: 'init', worker: variant.worker }, variant.origin, [port2]),
    READY_TIMEOUT_MS,
    'the frame did not get ready',
  )) as Ready | { type: 'error'; error: string };
  if (ready.type === 'error') throw new Error(`${variant.id}: the frame failed: ${ready.error}`);
  if (!ready.crossOriginIsolated) throw new Error(`${variant.id}: the frame is not cross-origin isolated; its timer would be coarsened to 100 µs`);
  if (variant.worker && ready.controller !== `${variant.origin}/sw.js`) {
    throw new Error(`${variant.id}: the frame is controlled by ${ready.controller ?? 'no worker'}, expected ${variant.origin}/sw.js`);
  }
  if (!variant.worker && ready.controller !== null) throw new Error(`${variant.id}: the reference frame is controlled by ${ready.controller}`);
  return {
    ready,
    async fetch(path) {
      const result = (await ask(() => port1.postMessage({ path }), FETCH_TIMEOUT_MS, `fetching ${path} timed out`)) as FetchResult | { error: string };
      if ('error' in result) throw new Error(`${variant.id}: fetching ${path} failed in the frame: ${result.error}`);
      return result;
    },
  };
}

function expectBody(variant: VariantSetup, setup: Setup, result: FetchResult): void {
  if (result.status !== 200 || result.bytes !== setup.bytes) {
    throw new Error(`${variant.id} ${setup.path}: got status ${result.status} and ${result.bytes} bytes, expected 200 and ${setup.bytes}`);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (after ${ms / 1000} s)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
