/**
 * An in-memory Web Locks manager (exclusive locks only), shared by the "tabs" of a test as
 * `navigator.locks` is by the tabs of an origin: one holder per name, waiters granted in
 * the order they asked, a waiting request aborted by its signal, and the lock released when
 * the callback's promise settles.
 */
import type { LockManagerLike } from '../../src/page/leader-election.js';

interface Waiter {
  callback: (lock: unknown) => Promise<void>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export interface FakeLocks extends LockManagerLike {
  /** Whether someone holds `name`. */
  held(name: string): boolean;
  /** How many wait for `name`. */
  waiting(name: string): number;
}

export function fakeLocks(): FakeLocks {
  const holders = new Set<string>();
  const queues = new Map<string, Waiter[]>();

  const grantNext = (name: string) => {
    if (holders.has(name)) return;
    const next = queues.get(name)?.shift();
    if (!next) return;
    holders.add(name);
    // Once granted, aborting the signal changes nothing (as the platform's).
    next.signal?.removeEventListener('abort', next.onAbort);
    Promise.resolve()
      .then(() => next.callback({ name, mode: 'exclusive' }))
      .then(next.resolve, next.reject)
      .finally(() => {
        holders.delete(name);
        grantNext(name);
      });
  };

  return {
    request(name, options, callback) {
      return new Promise((resolve, reject) => {
        const signal = options.signal;
        if (signal?.aborted) {
          reject(new DOMException('The request was aborted.', 'AbortError'));
          return;
        }
        const waiter: Waiter = {
          callback,
          resolve,
          reject,
          signal,
          onAbort: () => {
            const queue = queues.get(name) ?? [];
            const at = queue.indexOf(waiter);
            if (at >= 0) queue.splice(at, 1);
            reject(new DOMException('The request was aborted.', 'AbortError'));
          },
        };
        signal?.addEventListener('abort', waiter.onAbort, { once: true });
        queues.set(name, [...(queues.get(name) ?? []), waiter]);
        grantNext(name);
      });
    },
    held: (name) => holders.has(name),
    waiting: (name) => queues.get(name)?.length ?? 0,
  };
}
