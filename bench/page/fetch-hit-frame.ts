/**
 * One variant's frame in the fetch-hit benchmark, served by that variant's own origin. On
 * `init` from the coordinating page it registers the origin's worker (when it has one) and
 * waits to be controlled; then, for each `{ path }` on the port, it fetches the path, reads
 * the whole body, and answers with the time that took by its own (isolated) clock. Only
 * the fetch is timed, not the messages that ask for it.
 */
import { timerResolution } from './lib/harness.js';

/** What the frame answers to one fetch request. */
export interface FetchResult {
  ms: number;
  status: number;
  bytes: number;
}

const CONTROL_TIMEOUT_MS = 20_000;

window.addEventListener('message', (event) => {
  const data = event.data as { type?: unknown; worker?: unknown } | null;
  const port = event.ports[0];
  if (event.source !== window.parent || data?.type !== 'init' || !port) return;
  void start(port, data.worker === true);
});

async function start(port: MessagePort, worker: boolean): Promise<void> {
  try {
    if (worker) await takeControl();
    port.onmessage = (event: MessageEvent<{ path: string }>) => {
      void timedFetch(event.data.path).then(
        (result) => port.postMessage(result),
        (error: unknown) => port.postMessage({ error: String(error) }),
      );
    };
    port.postMessage({
      type: 'ready',
      controller: navigator.serviceWorker.controller?.scriptURL ?? null,
      crossOriginIsolated,
      timerResolutionMs: timerResolution(),
    });
  } catch (error) {
    port.postMessage({ type: 'error', error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) });
  }
}

async function timedFetch(path: string): Promise<FetchResult> {
  // Relative to the frame's directory, which is the worker's scope.
  const url = new URL(path.replace(/^\//, ''), location.href).href;
  const start = performance.now();
  const response = await fetch(url);
  const body = await response.arrayBuffer();
  const ms = performance.now() - start;
  return { ms, status: response.status, bytes: body.byteLength };
}

/** Registers sw.js next to this frame, scoped to its directory, and resolves once it controls the frame (it claims clients). */
async function takeControl(): Promise<void> {
  const container = navigator.serviceWorker;
  const controlled = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not take control within ${CONTROL_TIMEOUT_MS / 1000} s`)), CONTROL_TIMEOUT_MS);
    container.addEventListener(
      'controllerchange',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
  await container.register('sw.js', { scope: './' });
  if (!container.controller) await controlled;
}
