/**
 * The guide's `post_save` / `post_delete` receivers, in the browser that made the change:
 * drop what it made stale (stale.ts) at once, in every tab and the worker, before the next
 * render. Other browsers hear the same targets from the API's invalidation hub.
 */
import { invalidate } from '../../src/index.js';
import { articlesStale, authorGoneStale, authorsStale, mineStale } from './stale.js';

/** After this browser created an author. */
export async function authorsChanged(): Promise<void> {
  await invalidate(authorsStale);
}

/** After this browser deleted an author (whose personal pages it may hold too). */
export async function authorDeleted(): Promise<void> {
  await invalidate(authorGoneStale);
  await invalidate(mineStale);
}

/** After this browser's user published. */
export async function articlesChanged(): Promise<void> {
  await invalidate(articlesStale);
  await invalidate(mineStale);
}
