/**
 * The page's side of pushed invalidations, for one hub. The tab elected leader (Web Locks)
 * holds the one connection and applies each event with the bus's `invalidate`, under the
 * event's id: that removes it from the shared stores, tells every tab and the worker, and
 * lets every context act once per event. Every tab hears the leader on the `cachette`
 * channel: the pushed ids it applied (so a tab taking over resumes after them) and its
 * status (so a following tab's `ready` resolves when the leader is caught up).
 */
import type { Clock } from '../core/clock.js';
import type { InvalidationBus } from '../core/invalidation-bus.js';
import { CHANNEL_NAME, message, parseMessage } from '../core/protocol.js';
import { laterEventId, readPushState, writePushState } from '../core/push-state.js';
import { reportError } from '../core/report.js';
import { whileLeader, type LockManagerLike } from './leader-election.js';
import { openPushConnection, type ConnectionProblem, type FetchLike, type Timers } from './push-connection.js';
import { pushedInvalidationId, type PushEvent } from '../core/push-events.js';

/** A connection to a hub, as `connectInvalidations` returns it. */
export interface InvalidationsConnection {
  /**
   * Resolves once the events published while the app was closed have been applied (by
   * this tab or the one holding the connection), when the hub refuses the connection, on
   * `close()`, and at the latest after `timeoutMs`. Never rejects.
   */
  ready: Promise<void>;
  /** Stops: aborts the connection, lets another tab take it over, clears every timer and listener. Idempotent. */
  close(): void;
}

/** Everything the client uses, resolved (see `connectInvalidations` for the options). */
export interface PushClientDeps {
  bus: Pick<InvalidationBus, 'invalidate' | 'listen'>;
  fetch: FetchLike;
  /** `undefined`: no election, this tab connects on its own. */
  locks: LockManagerLike | undefined;
  timers: Timers;
  clock: Clock;
  random: () => number;
  /** `Infinity`: `ready` waits for the hub without a bound. */
  timeoutMs: number;
  onError: ((error: Error) => void) | undefined;
}

type Status = { status: 'ready' | 'refused'; lastId: string };

/** Past setTimeout's 32-bit limit (Infinity included) a timer would fire at once: none is set. */
const MAX_TIMER = 2 ** 31 - 1;

/**
 * Starts following (or leading) the hub at `hub`, an absolute URL.
 * @example const { ready, close } = startPushClient('https://app.test/cachette/events', deps);
 */
export function startPushClient(hub: string, deps: PushClientDeps): InvalidationsConnection {
  const { bus, timers } = deps;
  let closed = false;
  /** The latest id the leading tab applied, as heard on the channel. */
  let heard = '';
  let leading = false;
  /** This tab's status while it leads, once it has one. */
  let status: Status | undefined;
  const reported = new Set<string>();

  let resolveReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  if (deps.timeoutMs <= MAX_TIMER) {
    const timer = timers.setTimeout(resolveReady, deps.timeoutMs);
    void ready.then(() => timers.clearTimeout(timer));
  }

  /** Reports a kind of problem once (until `forget(kind)`), to the console and `onError`. */
  const report = (kind: string, context: string, error: Error): void => {
    if (reported.has(kind)) return;
    reported.add(kind);
    reportError(error, context);
    if (!deps.onError) return;
    try {
      deps.onError(error);
    } catch (callbackError) {
      reportError(callbackError, 'an onError callback of connectInvalidations');
    }
  };
  const reportProblem = ({ kind, error }: ConnectionProblem): void => report(kind, `connecting to the invalidation hub at ${hub}`, error);

  // A tab that follows must apply what the leader pushes even if it never used a cache yet.
  bus.listen();
  const channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(CHANNEL_NAME);
  // Node keeps a process alive while a channel is open; a page's client should not.
  (channel as { unref?: () => void } | undefined)?.unref?.();
  const post = (status: Status): void => {
    if (closed) return;
    try {
      channel?.postMessage(message({ type: 'push-status', hub, ...status }));
    } catch (error) {
      reportError(error, `telling the other tabs about the invalidation hub at ${hub}`);
    }
  };
  if (channel) {
    channel.onmessage = (event: MessageEvent) => {
      const msg = parseMessage(event.data);
      if (msg?.type === 'invalidate' && msg.pushed?.hub === hub) {
        heard = laterEventId(heard, msg.pushed.id);
      } else if (msg?.type === 'push-status' && msg.hub === hub) {
        heard = laterEventId(heard, msg.lastId);
        // Without Web Locks every tab leads, and each stands on its own.
        if (leading) return;
        if (msg.status === 'refused') {
          reportProblem({ kind: 'refused', error: new Error(`cachette: the invalidation hub at ${hub} refused the connection (401) of the tab holding it`) });
        } else {
          reported.delete('refused');
        }
        resolveReady();
      } else if (msg?.type === 'push-status-request' && msg.hub === hub && leading && status) {
        post(status);
      }
    };
    channel.onmessageerror = () => {};
    channel.postMessage(message({ type: 'push-status-request', hub }));
  }

  const lead = (): (() => void) => {
    leading = true;
    let resigned = false;
    let stop: (() => void) | undefined;
    let lastId = '';
    const recorder = createRecorder(hub, deps.clock, (error) =>
      report('state', `recording the last event applied from the invalidation hub at ${hub}`, asError(error)),
    );
    const advance = (id: string): void => {
      lastId = laterEventId(lastId, id);
      recorder.record(lastId);
    };

    const apply = async (event: PushEvent): Promise<void> => {
      // Events read after resigning are the next leader's: it resumes after the last one recorded.
      if (resigned) return;
      switch (event.type) {
        case 'invalidate':
          try {
            const id = pushedInvalidationId(hub, event.id);
            await bus.invalidate(event.target, { ...(id ? { id } : {}), pushed: { hub, id: event.id } });
          } catch (error) {
            // Not recorded: if nothing follows it, the next connection replays it and tries again.
            report('apply', `applying an invalidation pushed by the hub at ${hub}`, asError(error));
            return;
          }
          advance(event.id);
          return;
        case 'reset':
          try {
            // The hub cannot replay what was missed: nothing cached can be trusted.
            const resetId = pushedInvalidationId(hub, event.id, 'reset');
            const id = resetId ? { id: resetId } : {};
            await bus.invalidate({ all: true }, { ...id, pushed: { hub, id: event.id } });
          } catch (error) {
            report('apply', `clearing every cache after a reset from the invalidation hub at ${hub}`, asError(error));
            return;
          }
          lastId = event.id;
          recorder.record(event.id, true);
          return;
        case 'ready':
          // The id of the hub's position: a client that has applied nothing yet must resume from there next time.
          advance(event.lastId);
          await recorder.flushed();
          reported.delete('refused');
          status = { status: 'ready', lastId };
          post(status);
          resolveReady();
          return;
        case 'malformed':
          report('malformed', `reading an event from the invalidation hub at ${hub}`, new Error(`cachette: ignored an event: ${event.problem}`));
          // Ignored for good: resuming before it would only read it again.
          if (event.id !== undefined) advance(event.id);
          return;
      }
    };

    void (async () => {
      let stored = '';
      try {
        stored = (await readPushState(hub))?.lastId ?? '';
      } catch (error) {
        report('state', `reading the last event applied from the invalidation hub at ${hub}`, asError(error));
      }
      if (resigned) return;
      // A tab that followed may have heard events the leader applied but did not live to record.
      lastId = laterEventId(stored, heard);
      stop = openPushConnection({
        url: hub,
        fetch: deps.fetch,
        timers,
        random: deps.random,
        resumeAfter: () => lastId,
        onEvent: apply,
        onProblem: (problem) => {
          reportProblem(problem);
          if (problem.kind !== 'refused') return;
          status = { status: 'refused', lastId };
          post(status);
          resolveReady();
        },
        onHealthy: () => {
          reported.delete('refused');
          reported.delete('unavailable');
        },
      });
    })();

    return () => {
      resigned = true;
      leading = false;
      stop?.();
    };
  };

  const resign = whileLeader(deps.locks, `cachette-push ${hub}`, lead, (error) =>
    report(
      'locks',
      `electing the tab that connects to the invalidation hub at ${hub}`,
      new Error('cachette: the Web Locks request failed, so this tab connects to the hub on its own', { cause: error }),
    ),
  );

  return {
    ready,
    close() {
      if (closed) return;
      closed = true;
      resign();
      channel?.close();
      resolveReady();
    },
  };
}

/**
 * Writes the last applied id in order, coalescing: while one write runs, only the latest
 * id waits for the next. A reset's `replace` sticks to the ids recorded after it.
 */
function createRecorder(hub: string, clock: Clock, onError: (error: unknown) => void) {
  let pending: { id: string; replace: boolean } | undefined;
  let writing: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    while (pending) {
      const { id, replace } = pending;
      pending = undefined;
      try {
        await writePushState(hub, id, { replace, now: clock.now() });
      } catch (error) {
        onError(error);
      }
    }
    writing = undefined;
  };
  return {
    record(id: string, replace = false): void {
      pending = { id, replace: replace || (pending?.replace ?? false) };
      writing ??= flush();
    },
    /** Resolves once every id recorded so far is written (or failed). */
    flushed(): Promise<void> {
      return writing ?? Promise.resolve();
    },
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
