/**
 * One tab of the origin leads, the others wait: a Web Lock (`navigator.locks`) is held for as
 * long as a tab leads. The browser releases it when that tab closes or crashes, and grants
 * it to the next waiting tab, in the order they asked.
 */

/**
 * The part of the Web Locks API (`LockManager`) used here; `navigator.locks` is one. Tests
 * pass an in-memory one.
 */
export interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: (lock: unknown) => Promise<void>): Promise<unknown>;
}

/**
 * Calls `lead` once this context holds the exclusive lock `name`, and keeps the lock until
 * the returned function is called, which also calls the cleanup `lead` returned (or stops
 * waiting). Without a lock manager, or when the request fails (a sandboxed frame without
 * the permission), `onError` hears why and this context leads on its own at once.
 * @example
 * const resign = whileLeader(navigator.locks, 'cachette-push https://app.test/cachette/events', () => {
 *   const connection = open();
 *   return () => connection.close();
 * });
 */
export function whileLeader(
  locks: LockManagerLike | undefined,
  name: string,
  lead: () => () => void,
  onError: (error: unknown) => void,
): () => void {
  let resigned = false;
  let stopLeading: (() => void) | undefined;
  const leadNow = (): void => {
    if (!resigned && !stopLeading) stopLeading = lead();
  };
  const waiting = new AbortController();
  let release: (() => void) | undefined;

  if (!locks) {
    leadNow();
  } else {
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let request: Promise<unknown>;
    try {
      request = locks.request(name, { signal: waiting.signal }, async () => {
        leadNow();
        await held;
      });
    } catch (error) {
      request = Promise.reject(error);
    }
    request.catch((error: unknown) => {
      // Aborted because we resigned while waiting: the expected end.
      if (resigned) return;
      onError(error);
      leadNow();
    });
  }

  return () => {
    if (resigned) return;
    resigned = true;
    waiting.abort();
    try {
      stopLeading?.();
    } finally {
      release?.();
    }
  };
}
