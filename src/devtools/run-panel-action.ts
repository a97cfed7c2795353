/**
 * Runs a panel action through the public invalidation API, so every other tab and the
 * worker see it (and their panels refresh on `onInvalidate`).
 */
import { cacheAliases, getCache } from '../caches.js';
import { invalidate } from '../invalidations.js';
import type { PanelAction } from './panel-action.js';

/**
 * Does what the button says; rejects with an Error saying why when it cannot.
 * @example await runPanelAction({ type: 'clear', cache: 'default' });
 */
export async function runPanelAction(action: PanelAction): Promise<void> {
  switch (action.type) {
    case 'clear-all':
      return invalidate({ all: true });
    case 'clear':
      // A worker-only alias is unknown here: the worker applies it to its own store.
      return invalidate({ all: true, cache: action.cache });
    case 'invalidate-prefix':
      return invalidate({ prefix: action.prefix });
    case 'invalidate-tag':
      return invalidate({ tags: [action.tag] });
    case 'delete':
      return deleteEntry(action);
    default:
      throw new TypeError(`cachette devtools: unknown action ${JSON.stringify(action)}`);
  }
}

async function deleteEntry(action: Extract<PanelAction, { type: 'delete' }>): Promise<void> {
  if (action.url !== undefined) {
    // Every entry the worker keeps for exactly this URL (the response and its Vary list).
    return invalidate({ cache: action.cache, routes: [new RegExp(`^${escapeRegExp(action.url)}$`)] });
  }
  if (action.callerKey !== undefined) return invalidate({ cache: action.cache, keys: [action.callerKey] });
  // A keyFunction's key or another version: no caller key reaches it, so remove the stored
  // key itself (other tabs' in-memory copies are not told).
  if (cacheAliases().includes(action.cache)) {
    await getCache(action.cache).store.delete([action.key], Date.now());
    return;
  }
  throw new Error(
    `cachette devtools: cannot delete '${action.key}' of the worker's cache '${action.cache}' from the page ` +
      `(its stored key has no prefix:version:key shape the page can address); clear the cache instead`,
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
