/**
 * How the panel filters and sorts a cache's entries.
 */
import type { PanelEntry } from './panel-data.js';

/** The orders the sort menu offers. */
export type SortKey = 'key' | 'size' | 'ttl';

/**
 * Whether `e` matches a lower-case filter text (in its key, URL, route or tags).
 * @example entries.filter((e) => matchesFilter(e, 'authors'))
 */
export function matchesFilter(e: PanelEntry, filter: string): boolean {
  if (!filter) return true;
  return [e.label, e.key, e.url ?? '', e.route ?? '', ...e.tags].some((text) => text.toLowerCase().includes(filter));
}

/**
 * The comparator for `sort`: key ascending, size descending, time left ascending (never last).
 * @example entries.sort(compareEntries('size'))
 */
export function compareEntries(sort: SortKey): (a: PanelEntry, b: PanelEntry) => number {
  if (sort === 'size') return (a, b) => b.size - a.size || a.label.localeCompare(b.label);
  if (sort === 'ttl') return (a, b) => (a.expires ?? Infinity) - (b.expires ?? Infinity) || a.label.localeCompare(b.label);
  // A worker's learnt Vary list sorts right after the response it belongs to.
  return (a, b) => a.label.localeCompare(b.label) || Number(a.kind === 'vary') - Number(b.kind === 'vary') || a.key.localeCompare(b.key);
}
