/**
 * One tab's connection to the invalidation hub: `fetch` and a stream reader rather than
 * `EventSource`, because the client needs the status code (a 401 is a refusal, not a
 * network blip), its own `Last-Event-ID` on every attempt, and its own backoff. It
 * reconnects for ever, until stopped: exponential backoff with full jitter after failures,
 * once a minute at most after a refusal, and at once-ish after a connection that was healthy.
 */
import { readPushEvents, type PushEvent } from '../core/push-events.js';

/** The timer functions used (inject fakes in tests). */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What fetching the stream needs of `fetch`. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** A problem the caller may report: `refused` (401) or `unavailable` (another answer). */
export interface ConnectionProblem {
  kind: 'refused' | 'unavailable';
  error: Error;
}

/** How to run the connection. */
export interface PushConnectionOptions {
  /** The hub's absolute URL. */
  url: string;
  fetch: FetchLike;
  timers: Timers;
  /** A number in [0, 1) (`Math.random`), for the jitter. */
  random: () => number;
  /** The id to resume after, asked before every attempt (`''`: none). */
  resumeAfter(): string;
  /** Handles each event, in order; the stream waits for it. A throw drops the connection (and resumes after the last id). */
  onEvent(event: PushEvent): Promise<void>;
  /** The hub answered, but not with a stream (a refusal, a 404, HTML from a fallback route). */
  onProblem(problem: ConnectionProblem): void;
  /** The connection has stayed open long enough to count as healthy. */
  onHealthy(): void;
}

/** The first retry waits up to this long; each failure doubles it... */
export const BACKOFF_BASE_MS = 500;
/** ...up to this. */
export const BACKOFF_MAX_MS = 30_000;
/** After a 401, the next attempt waits at least this long (plus up to half of it, so refused tabs spread out). */
export const REFUSED_RETRY_MS = 60_000;
/** A connection open this long is healthy: the backoff starts over. */
export const HEALTHY_MS = 5_000;
/**
 * A connection silent this long (three of the hub's default 15 s heartbeats) is dead: a
 * laptop that slept, a network that changed under a half-open socket. It is reopened.
 */
export const IDLE_MS = 45_000;

/**
 * Connects to the hub and keeps reconnecting until the returned function is called, which
 * aborts the request and clears every timer.
 * @example
 * const stop = openPushConnection({ url, fetch, timers, random: Math.random, resumeAfter: () => lastId,
 *   onEvent: apply, onProblem: ({ error }) => console.error(error), onHealthy: () => {} });
 */
export function openPushConnection(options: PushConnectionOptions): () => void {
  const { timers } = options;
  let stopped = false;
  let failures = 0;
  let current: AbortController | undefined;
  let retry: unknown;

  const run = async (): Promise<void> => {
    retry = undefined;
    if (stopped) return;
    const attempt = new AbortController();
    current = attempt;
    let delay: number;
    try {
      delay = await connectOnce(options, attempt, () => {
        failures = 0;
        options.onHealthy();
      });
    } finally {
      if (current === attempt) current = undefined;
    }
    if (stopped) return;
    if (delay < 0) {
      delay = Math.floor(options.random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** failures));
      failures = Math.min(failures + 1, 30);
    }
    retry = timers.setTimeout(() => void run(), delay);
  };
  void run();

  return () => {
    if (stopped) return;
    stopped = true;
    current?.abort();
    if (retry !== undefined) timers.clearTimeout(retry);
  };
}

/**
 * One attempt: resolves when it is over, with the delay before the next one (`-1`: the
 * backoff's). Never rejects.
 */
async function connectOnce(options: PushConnectionOptions, attempt: AbortController, onHealthy: () => void): Promise<number> {
  const { timers } = options;
  const lastId = options.resumeAfter();
  let response: Response;
  try {
    response = await options.fetch(requestUrl(options.url, lastId), {
      headers: requestHeaders(options.url, lastId),
      // The session cookie must reach the hub's audience check; a cached stream is no stream.
      credentials: 'same-origin',
      cache: 'no-store',
      signal: attempt.signal,
    });
  } catch {
    // Offline or the hub is down: not worth a report, the backoff handles it.
    return -1;
  }
  if (response.status === 401) {
    void response.body?.cancel().catch(() => {});
    options.onProblem({ kind: 'refused', error: new Error(`cachette: the invalidation hub at ${options.url} refused the connection (401); retrying in a minute`) });
    return REFUSED_RETRY_MS + Math.floor(options.random() * (REFUSED_RETRY_MS / 2));
  }
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || !response.body || !/^text\/event-stream\b/i.test(type)) {
    void response.body?.cancel().catch(() => {});
    const what = response.ok ? `a ${type || 'typeless'} body` : `status ${response.status}`;
    options.onProblem({
      kind: 'unavailable',
      error: new Error(
        `cachette: the invalidation hub at ${options.url} answered ${what}, expected a text/event-stream (is the hub mounted at that path?)`,
      ),
    });
    return -1;
  }

  let idle: unknown;
  const resetIdle = (): void => {
    if (idle !== undefined) timers.clearTimeout(idle);
    idle = timers.setTimeout(() => attempt.abort(), IDLE_MS);
  };
  const healthyTimer = timers.setTimeout(onHealthy, HEALTHY_MS);
  resetIdle();
  try {
    await readPushEvents(response.body, (event) => options.onEvent(event), resetIdle);
  } catch {
    // Aborted (stopped, or silent too long), the network dropped, or a handler failed: reconnect.
  } finally {
    timers.clearTimeout(healthyTimer);
    timers.clearTimeout(idle);
  }
  return -1;
}

/** Same-origin: the `Last-Event-ID` header. Cross-origin: `?lastEventId=`, which needs no CORS preflight. */
function requestUrl(url: string, lastId: string): string {
  if (lastId === '' || sameOrigin(url)) return url;
  const u = new URL(url);
  u.searchParams.set('lastEventId', lastId);
  return u.href;
}

function requestHeaders(url: string, lastId: string): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  if (lastId !== '' && sameOrigin(url)) headers['Last-Event-ID'] = lastId;
  return headers;
}

function sameOrigin(url: string): boolean {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  // Outside a page (Node, tests) there is no origin to cross: send the header.
  return origin === undefined || origin === 'null' || new URL(url).origin === origin;
}
