/**
 * Whether an invalidation target concerns what a component shows: the one check behind
 * `useCached` and `CachedFragment` re-reading. It mirrors what `invalidate` removes
 * (core/apply-invalidation.ts), as far as a reader can know it without reading the store.
 */
import type { InvalidateTarget } from '../core/invalidate-target.js';

/** What a component shows: one key in one alias, and the tags it stored the value with. */
export interface ShownEntry {
  /** The cache alias. */
  alias: string;
  /** The caller's key (before prefix and version). */
  key: string;
  /** The tags the value was stored with (the component's own; tags others stored are unknown here). */
  tags: readonly string[];
}

/**
 * `true` if `target` may have removed `entry`: it names the entry's alias or every alias,
 * and `all`, the key, a prefix of the key, or one of the tags.
 * `routes` name the worker's entries for URLs, never a key of the low-level API.
 * @example invalidationConcerns({ tags: ['authors'] }, { alias: 'default', key: 'top', tags: ['authors'] }); // true
 */
export function invalidationConcerns(target: InvalidateTarget, entry: ShownEntry): boolean {
  if (target.cache !== undefined && target.cache !== entry.alias) return false;
  if (target.all) return true;
  if (target.keys?.includes(entry.key)) return true;
  if (target.prefix !== undefined && entry.key.startsWith(target.prefix)) return true;
  return target.tags?.some((tag) => entry.tags.includes(tag)) ?? false;
}
