/**
 * Removes what an invalidation target matches from this context's caches. The sender
 * applies it to every store it has; a receiver applies it to its own in-memory stores
 * (shared stores are already done), and the worker to every store it has, since it may
 * keep stores no page configured.
 */
import type { Cache } from './cache.js';
import { URL_TAG_PREFIX, urlOfTag } from './entry-vocabulary.js';
import type { InvalidateTarget } from './invalidate-target.js';
import { compilePattern } from './route-pattern.js';
import type { Store } from './store.js';

/**
 * Applies `target` to `caches` (only to realm-local stores unless `shared`; never to the
 * stores named in `skip`).
 * @example await applyInvalidation([getCache()], { keys: ['a'] }, { shared: true, now: Date.now() });
 */
export async function applyInvalidation(
  caches: readonly Cache[],
  target: InvalidateTarget,
  { shared, now, skip }: { shared: boolean; now: number; skip?: ReadonlySet<string> },
): Promise<void> {
  // Computations in flight in this context read the data before the change, whichever
  // context cleaned the store: they must neither be joined nor stored.
  for (const c of caches) {
    if (target.cache !== undefined && c.alias !== target.cache) continue;
    const onlyKeys = !target.all && target.prefix === undefined && !target.tags?.length && !target.routes?.length;
    c.abandonComputing(onlyKeys ? (target.keys ?? []).map((k) => c.makeKey(k)) : undefined);
  }
  const inScope = caches.filter(
    (c) =>
      (target.cache === undefined || c.alias === target.cache) &&
      (shared || c.store.capabilities.sharing === 'realm') &&
      !skip?.has(storeId(c.store)),
  );
  const stores = [...new Set(inScope.map((c) => c.store))];
  if (target.all) {
    await Promise.all(stores.map((s) => s.clear()));
    return;
  }
  const work: Promise<unknown>[] = [];
  if (target.keys?.length) for (const c of inScope) work.push(c.deleteMany(target.keys));
  if (target.prefix !== undefined) {
    // The stored key is `keyPrefix:version:key`: a prefix of keys is a prefix of stored keys, one key range.
    for (const c of inScope) work.push(c.store.deletePrefix(c.makeKey(target.prefix), now));
  }
  if (target.tags?.length) for (const s of stores) work.push(s.deleteTagged(target.tags, now));
  if (target.routes?.length) {
    const origin = (globalThis as { location?: { origin?: string } }).location?.origin ?? 'null';
    const tests = target.routes.map((r) => compilePattern(r, origin));
    const matches = (tags: string[]) =>
      tags.some((tag) => {
        const href = urlOfTag(tag);
        if (href === undefined) return false;
        let url: URL;
        try {
          url = new URL(href);
        } catch {
          return false;
        }
        return tests.some((test) => test(url));
      });
    // Entries name their URL in a tag: the store's distinct URL tags, never its values.
    for (const s of stores) {
      work.push(
        s.tags(URL_TAG_PREFIX, now).then((tags) => {
          const matched = tags.filter((tag) => matches([tag]));
          return matched.length ? s.deleteTagged(matched, now) : [];
        }),
      );
    }
  }
  await Promise.all(work);
}

/**
 * Names a store across contexts: the sender lists the shared stores it already cleaned, so
 * the worker does not clean them twice.
 */
export function storeId(store: Store): string {
  return `${store.backend}:${store.location}`;
}

