/**
 * What every benchmark page shares: its configuration from the URL, the isolation check,
 * the interleaved timing loop and the report back to the runner (POST /__report, so it
 * works whichever driver loaded the page).
 */
import { mulberry32, shuffle } from './random.js';

/** One thing to time: `run` does one operation and resolves to what it read. */
export interface Variant {
  readonly id: string;
  readonly run: () => unknown;
}

/** Per-variant samples in ms, in the order they were taken. */
export type Samples = Record<string, number[]>;

/** A numeric URL parameter, or `fallback`. */
export function numberParam(name: string, fallback: number): number {
  const raw = new URLSearchParams(location.search).get(name);
  const value = raw === null ? Number.NaN : Number(raw);
  return Number.isFinite(value) ? value : fallback;
}

/** Throws unless the page is cross-origin isolated (else performance.now() steps by 100 µs). */
export function assertIsolated(): void {
  if (!crossOriginIsolated) {
    throw new Error(
      'the page is not cross-origin isolated (crossOriginIsolated === false): performance.now() is coarsened to 100 µs. ' +
        'Serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp.',
    );
  }
}

/** The smallest step performance.now() takes here, in ms. */
export function timerResolution(): number {
  let smallest = Infinity;
  for (let i = 0; i < 200; i += 1) {
    const start = performance.now();
    let next = performance.now();
    while (next === start) next = performance.now();
    smallest = Math.min(smallest, next - start);
  }
  return smallest;
}

/**
 * Times one awaited `run()` per sample, interleaved: every round runs each variant once,
 * in a fresh shuffled order (so no variant always follows the same other one), `warmup`
 * rounds discarded, then `rounds` measured. `check` sees every result, outside the timing.
 */
export async function interleaved(
  variants: readonly Variant[],
  { warmup, rounds, seed, check }: { warmup: number; rounds: number; seed: number; check: (variant: Variant, result: unknown) => void },
): Promise<Samples> {
  const random = mulberry32(seed);
  const samples: Samples = Object.fromEntries(variants.map((v) => [v.id, []]));
  const order = [...variants];
  for (let round = 0; round < warmup + rounds; round += 1) {
    shuffle(order, random);
    for (const variant of order) {
      const start = performance.now();
      const result = await variant.run();
      const elapsed = performance.now() - start;
      check(variant, result);
      if (round >= warmup) samples[variant.id]!.push(elapsed);
    }
  }
  return samples;
}

/**
 * For operations near or below the timer's resolution: each sample times `size`
 * consecutive awaited runs and is divided by `size`. `size` is calibrated per variant so
 * one batch takes about `targetMs`. Batches are interleaved as in `interleaved`.
 */
export async function batched(
  variants: readonly Variant[],
  { warmup, batches, targetMs, seed, check }: { warmup: number; batches: number; targetMs: number; seed: number; check: (variant: Variant, result: unknown) => void },
): Promise<{ samples: Samples; sizes: Record<string, number> }> {
  const sizes: Record<string, number> = {};
  for (const variant of variants) {
    let size = 1;
    // The fastest of three tries, so one preempted or GC-hit try cannot stop the doubling early.
    while (size < 1_000_000 && (await fastestOf(3, () => timeBatch(variant, size, check))) < targetMs) size *= 2;
    sizes[variant.id] = size;
  }
  const random = mulberry32(seed);
  const samples: Samples = Object.fromEntries(variants.map((v) => [v.id, []]));
  const order = [...variants];
  for (let round = 0; round < warmup + batches; round += 1) {
    shuffle(order, random);
    for (const variant of order) {
      const size = sizes[variant.id]!;
      const elapsed = await timeBatch(variant, size, check);
      if (round >= warmup) samples[variant.id]!.push(elapsed / size);
    }
  }
  return { samples, sizes };
}

async function fastestOf(tries: number, time: () => Promise<number>): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < tries; i += 1) fastest = Math.min(fastest, await time());
  return fastest;
}

async function timeBatch(variant: Variant, size: number, check: (variant: Variant, result: unknown) => void): Promise<number> {
  let result: unknown;
  const start = performance.now();
  for (let i = 0; i < size; i += 1) result = await variant.run();
  const elapsed = performance.now() - start;
  check(variant, result); // the last result only: checking each would be timed
  return elapsed;
}

/** Sends the page's results (or its failure) to the runner. */
export async function report(payload: unknown): Promise<void> {
  const response = await fetch('/__report', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) });
  if (!response.ok) throw new Error(`the runner refused the report: HTTP ${response.status}`);
}

/** Runs `body` and reports its result, or its error with the stack. */
export async function runAndReport(body: () => Promise<unknown>): Promise<void> {
  let payload: unknown;
  try {
    payload = { ok: true, result: await body() };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    payload = { ok: false, error: e.message, stack: e.stack };
    console.error(e);
  }
  await report(payload);
}


