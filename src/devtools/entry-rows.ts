/**
 * The rows of a cache's entry table. A worker response and the Vary list the worker learnt
 * for its URL are one row (deleting the URL removes both), so every count the panel shows
 * counts rows: "4 entries" above four rows, not the six records behind them.
 */
import type { PanelCache, PanelEntry } from './panel-data.js';

/** A cache's entries as the panel lists them. */
export interface EntryRows {
  /** One per row: the Vary list of a listed response is folded into the response's row. */
  rows: PanelEntry[];
  /** The size of the Vary list folded into a response's row, by URL. */
  varySize: Map<string, number>;
  /** The store's live entries counted as rows (`count` less the folded Vary lists). */
  count: number;
  /** How many Vary lists were folded into their responses' rows. */
  folded: number;
}

/**
 * The rows of `cache` (a `PanelCache`: its listed entries and its total `count`).
 * @example const { rows, count } = entryRows(cache); // count === rows.length unless the list was cut
 */
export function entryRows(cache: Pick<PanelCache, 'entries' | 'count'>): EntryRows {
  const responses = new Set(cache.entries.filter((e) => e.kind === 'response').map((e) => e.url));
  const varySize = new Map<string, number>();
  const rows: PanelEntry[] = [];
  let folded = 0;
  for (const e of cache.entries) {
    if (e.kind === 'vary' && e.url !== undefined && responses.has(e.url)) {
      varySize.set(e.url, (varySize.get(e.url) ?? 0) + e.size);
      folded++;
    } else rows.push(e);
  }
  // A list cut at the snapshot's limit: the store's other entries are counted as they are.
  return { rows, varySize, count: Math.max(rows.length, cache.count - folded), folded };
}
