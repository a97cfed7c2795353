/**
 * `invalidate`, `onInvalidate` and `invalidateSession` as `'cachette'` exports them: the same
 * functions, loading the bus (invalidations.ts) on first use. A bundler can then leave the
 * bus and its protocol out of a page that only reads and writes the shared stores, and
 * fetch it when the page first invalidates or listens. The worker and the page's own
 * modules import invalidations.ts directly.
 */
import type { InvalidateTarget } from './core/invalidate-target.js';
import type { InvalidateListener } from './core/invalidation-bus.js';
import { reportError } from './core/report.js';

let loading: Promise<typeof import('./invalidations.js')> | undefined;
function bus(): Promise<typeof import('./invalidations.js')> {
  loading ??= import('./invalidations.js').catch((error: unknown) => {
    loading = undefined; // a failed chunk load (offline) is retried by the next call
    throw error;
  });
  return loading;
}

/**
 * Removes the matching entries from every cache (or `target.cache`), in this tab, the
 * shared stores, every other tab and the worker, as Django's `post_save` receivers calling
 * `cache.delete`. Resolves once the shared stores no longer hold them.
 * @example
 * await invalidate({ keys: ['authors-count'] });
 * await invalidate({ prefix: 'template.cache.sidebar.' }); // every variant of a fragment
 * await invalidate({ tags: ['authors'], routes: ['/api/authors/:id'] });
 * await invalidate({ all: true });
 */
export async function invalidate(target: InvalidateTarget): Promise<void> {
  return (await bus()).invalidate(target);
}

/**
 * Calls `listener` with the target of every invalidation, local, from another tab or from
 * the worker; returns the unsubscribe function.
 * @example const stop = onInvalidate((target) => { if (target.tags?.includes('authors')) rerender(); });
 */
export function onInvalidate(listener: InvalidateListener): () => void {
  if (typeof listener !== 'function') throw new TypeError('cachette: onInvalidate takes a function (target) => void');
  let unsubscribe: (() => void) | undefined;
  let stopped = false;
  bus().then(
    (m) => {
      if (!stopped) unsubscribe = m.onInvalidate(listener);
    },
    (error: unknown) => reportError(error, 'loading the invalidation bus for onInvalidate'),
  );
  return () => {
    stopped = true;
    unsubscribe?.();
  };
}

/**
 * Drops everything that belongs to a session, for logout: every worker entry keyed by a
 * session (responses varying on `Cookie` or `Authorization`), and, given a user, every
 * fragment varied on that user. Everywhere, as `invalidate`.
 * @example await invalidateSession('alice'); await fetch('/logout', { method: 'POST' });
 */
export async function invalidateSession(user?: string | number): Promise<void> {
  return (await bus()).invalidateSession(user);
}
