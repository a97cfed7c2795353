/**
 * One frame per variant origin, as the fetch benchmarks (fetch-hit, revalidation) drive
 * them: the frame (`fetch-hit-frame.html` on the variant's origin) gets a port, says when
 * its worker controls it, and times the fetches it is asked for with its own cross-origin
 * isolated clock.
 */
import type { FetchResult } from '../fetch-hit-frame.js';

/** A variant as the runner describes it. */
export interface VariantSetup {
  id: string;
  origin: string;
  worker: boolean;
}

/** What a frame says once it is ready. */
export interface Ready {
  type: 'ready';
  controller: string | null;
  crossOriginIsolated: boolean;
  timerResolutionMs: number;
}

/** A ready frame: one fetch at a time, timed inside it. */
export interface Frame {
  ready: Ready;
  fetch(path: string): Promise<FetchResult>;
}

const READY_TIMEOUT_MS = 30_000;

/**
 * Embeds the variant's frame, hands it a port, and waits until its worker controls it (a
 * reference variant's frame must have none).
 * @example const frame = await openFrame(variant, 10_000); const { ms } = await frame.fetch('/data/1k');
 */
export async function openFrame(variant: VariantSetup, fetchTimeoutMs: number): Promise<Frame> {
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
      const result = (await ask(() => port1.postMessage({ path }), fetchTimeoutMs, `fetching ${path} timed out`)) as FetchResult | { error: string };
      if ('error' in result) throw new Error(`${variant.id}: fetching ${path} failed in the frame: ${result.error}`);
      return result;
    },
  };
}

/** `promise`, or a rejection naming `message` after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (after ${ms / 1000} s)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
