/**
 * Invalidation in this realm: `invalidate`, `onInvalidate`, `invalidateSession`, over the
 * realm's one bus. A module of its own, reached statically only by code that invalidates or
 * listens; the registry loads it when a realm-local store opens (realm.ts), so a page that
 * only reads and writes shared stores never ships it.
 */
import type { InvalidateTarget } from './core/invalidate-target.js';
import { InvalidationBus, type InvalidateListener } from './core/invalidation-bus.js';
import { SESSION_TAG, varyTag } from './core/entry-vocabulary.js';
import { handler } from './realm.js';

/** The one bus of this realm. */
const bus: InvalidationBus = /* @__PURE__ */ new InvalidationBus(handler);

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
export function invalidate(target: InvalidateTarget): Promise<void> {
  return bus.invalidate(target);
}

/**
 * Calls `listener` with the target of every invalidation, local, from another tab or from
 * the worker; returns the unsubscribe function.
 * @example const stop = onInvalidate((target) => { if (target.tags?.includes('authors')) rerender(); });
 */
export function onInvalidate(listener: InvalidateListener): () => void {
  return bus.onInvalidate(listener);
}

/**
 * Drops everything that belongs to a session, for logout: every worker entry keyed by a
 * session (responses varying on `Cookie` or `Authorization`), and, given a user, every
 * fragment varied on that user. Everywhere, as `invalidate`.
 * @example await invalidateSession('alice'); await fetch('/logout', { method: 'POST' });
 */
export function invalidateSession(user?: string | number): Promise<void> {
  return bus.invalidate({ tags: user === undefined ? [SESSION_TAG] : [SESSION_TAG, varyTag(user)] });
}

/** The realm's invalidation bus (for the worker's message handler). */
export function invalidationBus(): InvalidationBus {
  return bus;
}
