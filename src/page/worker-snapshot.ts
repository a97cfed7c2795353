/**
 * Asks the controlling worker for its devtools snapshot: its caches, route table,
 * counters and last errors.
 */
import { message, parseMessage, type WorkerSnapshot } from '../core/protocol.js';

/**
 * The controlling worker's snapshot, or `undefined` when no worker controls the page or
 * none answers within `timeout` ms (a worker without Cachette, or a busy one).
 * @example const snap = await requestWorkerSnapshot(); snap?.routes.map((r) => r.match)
 */
export async function requestWorkerSnapshot(timeout = 1000): Promise<WorkerSnapshot | undefined> {
  const controller = typeof navigator === 'undefined' ? undefined : navigator.serviceWorker?.controller;
  if (!controller) return undefined;
  const id = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : String(Math.random());
  const { port1, port2 } = new MessageChannel();
  try {
    return await new Promise<WorkerSnapshot | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeout);
      port1.onmessage = (event: MessageEvent) => {
        const answer = parseMessage(event.data);
        if (answer?.type === 'devtools-snapshot' && answer.id === id) {
          clearTimeout(timer);
          resolve(answer.snapshot);
        }
      };
      controller.postMessage(message({ type: 'devtools-request', id }), [port2]);
    });
  } finally {
    port1.close();
  }
}
