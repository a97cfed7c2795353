/**
 * Coming back: a user who closed every tab while invalidations were published must not be
 * served an entry they invalidated, not even by the worker's first answers, before any page
 * code runs. A page that connected to a hub (`connectInvalidations`) left its URL and the last
 * applied event id in the shared push state; the worker's first cached answer after it starts
 * asks that hub for what it missed (`?catchup=1`: a replay, then `ready`, then the response
 * ends), applies it, and only then looks up. One round trip, bounded by `CATCH_UP_TIMEOUT_MS`
 * (an offline app still answers from its cache); the hits after it do not wait.
 */
import { invalidationBus } from '../invalidations.js';
import { pushedInvalidationId, readPushEvents } from '../core/push-events.js';
import { listPushStates, writePushState } from '../core/push-state.js';
import { reportError } from '../core/report.js';

/** The bound on the catch-up, as `connectInvalidations`' default `timeoutMs`. */
const CATCH_UP_TIMEOUT_MS = 3_000;

let done = false;
let running: Promise<void> | undefined;

/**
 * The catch-up to wait for before this worker's first cached answer, or `undefined` once it
 * is over (synchronously: a hit after it pays one function call).
 * @example const waiting = catchUpOnce(); if (waiting) await waiting;
 */
export function catchUpOnce(): Promise<void> | undefined {
  if (done) return undefined;
  running ??= catchUp().finally(() => {
    done = true;
  });
  return running;
}

async function catchUp(): Promise<void> {
  let hub: string | undefined;
  try {
    const [latest] = await listPushStates();
    if (!latest) return; // no page ever connected to a hub: nothing can have been missed
    hub = latest.url;
    const url = new URL(hub);
    url.searchParams.set('catchup', '1');
    if (latest.lastId !== '') url.searchParams.set('lastEventId', latest.lastId);
    const response = await fetch(url, {
      cache: 'no-store',
      credentials: 'same-origin',
      headers: { Accept: 'text/event-stream' },
      signal: AbortSignal.timeout(CATCH_UP_TIMEOUT_MS),
    });
    if (!response.ok || !response.body) throw new Error(`the invalidation hub at ${hub} answered ${response.status} to the worker's catch-up`);
    const bus = invalidationBus();
    const origin = hub;
    await readPushEvents(response.body, async (event) => {
      if (event.type === 'invalidate') {
        const id = pushedInvalidationId(origin, event.id);
            await bus.invalidate(event.target, { ...(id ? { id } : {}), pushed: { hub: origin, id: event.id } });
        await writePushState(origin, event.id);
      } else if (event.type === 'reset') {
        const resetId = pushedInvalidationId(origin, event.id, 'reset');
            const id = resetId ? { id: resetId } : {};
        await bus.invalidate({ all: true }, { ...id, pushed: { hub: origin, id: event.id } });
        await writePushState(origin, event.id, { replace: true });
      } else if (event.type === 'ready' && event.lastId !== '') {
        await writePushState(origin, event.lastId);
      }
    });
  } catch (error) {
    // Offline, a refused session, a hub gone: the cache still answers (the page's own
    // connection catches up when it can).
    reportError(error, hub ? `catching up with the invalidation hub at ${hub}` : 'reading the invalidation push state');
  }
}
