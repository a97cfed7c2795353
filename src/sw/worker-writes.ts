/**
 * The worker's writes of fetched responses, as the invalidation bus needs to see them (its
 * `WriteGuard`): an invalidation is done only once every write begun before it has settled
 * (each compares the invalidation generation and is dropped or undone), and a store the
 * worker wrote to after a page had cleaned it is cleaned again.
 */
import type { WriteGuard } from '../core/invalidation-bus.js';

const pending = new Set<Promise<unknown>>();
/** Store id → when the worker last finished a write to it (ms since the epoch). */
const lastWrite = new Map<string, number>();

/**
 * Tracks `work`, a write to the store `storeId`, until it settles.
 * @example trackWrite(storeId(cache.store), cache.set(key, value));
 */
export function trackWrite(storeId: string, work: Promise<unknown>): void {
  const tracked = work.finally(() => {
    pending.delete(tracked);
    lastWrite.set(storeId, Date.now());
  });
  tracked.catch(() => undefined); // the caller handles the failure; this copy only tracks it
  pending.add(tracked);
}

/**
 * The guard the worker gives its invalidation bus.
 * @example invalidationBus().guardWrites(workerWrites);
 */
export const workerWrites: WriteGuard = {
  async settle() {
    await Promise.allSettled([...pending]);
  },
  wroteSince(id, since) {
    return (lastWrite.get(id) ?? -Infinity) >= since;
  },
};
