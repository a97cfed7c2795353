/**
 * Invalidations pushed by the API's hub (`/cachette/events`): a change made in another
 * browser (Bob's new author, Alice's article from her phone) reaches this browser's caches,
 * page and worker, and the `onInvalidate` listener in main.ts re-renders what is shown. An
 * enhancement, as the worker is: without the hub the demo works as before, and the header
 * says so quietly (`push: off`, the reason in its tooltip).
 */
import { connectInvalidations, type InvalidationsConnection } from '../../src/page/index.js';

/** How long `ready` may take before the header says the hub is not answering. */
const TIMEOUT_MS = 3000;

export interface PushLink {
  /**
   * Connects again, e.g. after the user switcher changed the session cookie: the hub picked
   * the connection's audience (whose personal events it hears) from the cookie it carried.
   */
  reconnect(): void;
  /** The current connection's `ready`: what other browsers changed meanwhile is applied. */
  readonly ready: Promise<void>;
}

/**
 * Connects to the hub and shows its state in `status`.
 * @example const push = connectPush(document.querySelector('#push-status')!); // later: push.reconnect()
 */
export function connectPush(status: HTMLElement): PushLink {
  let connection: InvalidationsConnection | undefined;
  const show = (state: 'on' | 'off' | '…', why: string): void => {
    status.textContent = `push: ${state}`;
    status.title = why;
    status.dataset.state = state;
  };

  const connect = (): void => {
    connection?.close();
    show('…', 'connecting to the invalidation hub');
    let problem: Error | undefined;
    const started = performance.now();
    let current: InvalidationsConnection;
    try {
      current = connectInvalidations('/cachette/events', {
        timeoutMs: TIMEOUT_MS,
        onError: (error) => {
          problem = error;
          if (connection === current) show('off', `${error.message} (the demo works without it)`);
        },
      });
    } catch (error) {
      show('off', `${error instanceof Error ? error.message : String(error)} (the demo works without it)`);
      return;
    }
    connection = current;
    void current.ready.then(() => {
      if (connection !== current || problem) return;
      // `ready` also resolves when the hub stays silent (down, offline): it keeps retrying in the background.
      if (performance.now() - started >= TIMEOUT_MS) show('off', `the invalidation hub did not answer within ${TIMEOUT_MS / 1000} s; retrying in the background`);
      else show('on', "changes made in other browsers reach this one's caches");
    });
  };

  connect();
  return {
    reconnect: connect,
    get ready() {
      return connection?.ready ?? Promise.resolve();
    },
  };
}
