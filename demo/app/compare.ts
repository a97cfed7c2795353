/**
 * The before/after table: the same navigation with caching off and on, cold (every cache
 * emptied, page and worker) and warm (the same walk again at once).
 */
import { invalidate } from '../../src/index.js';
import type { ViewCost } from './meter.js';
import { cachingOn, setCaching } from './settings.js';

/** List → an author → back → my articles. */
export const WALK = ['/', '/authors/alice', '/', '/me'];

export interface ComparisonRow {
  caching: 'off' | 'on';
  pass: 'cold' | 'warm';
  requests: number;
  queries: number;
  dbMs: number;
  ms: number;
  views: ViewCost[];
}

const STORE_KEY = 'demo:comparison';

export function lastComparison(): ComparisonRow[] | undefined {
  const stored = sessionStorage.getItem(STORE_KEY);
  return stored ? (JSON.parse(stored) as ComparisonRow[]) : undefined;
}

/** Runs the walk four times through `go` (which navigates and resolves with the view's cost). */
export async function compare(go: (path: string) => Promise<ViewCost>, progress: (text: string) => void = () => {}): Promise<ComparisonRow[]> {
  const was = cachingOn();
  const rows: ComparisonRow[] = [];
  try {
    for (const on of [false, true]) {
      setCaching(on);
      await invalidate({ all: true });
      for (const pass of ['cold', 'warm'] as const) {
        progress(`caching ${on ? 'on' : 'off'}, ${pass}…`);
        const views: ViewCost[] = [];
        for (const path of WALK) views.push(await go(path));
        rows.push({ caching: on ? 'on' : 'off', pass, views, ...sum(views) });
      }
    }
  } finally {
    setCaching(was);
  }
  sessionStorage.setItem(STORE_KEY, JSON.stringify(rows));
  return rows;
}

function sum(views: ViewCost[]): Pick<ComparisonRow, 'requests' | 'queries' | 'dbMs' | 'ms'> {
  return views.reduce(
    (total, v) => ({ requests: total.requests + v.requests, queries: total.queries + v.queries, dbMs: total.dbMs + v.dbMs, ms: total.ms + v.ms }),
    { requests: 0, queries: 0, dbMs: 0, ms: 0 },
  );
}

export function comparisonTable(rows: ComparisonRow[]): string {
  const body = rows
    .map(
      (r) => `<tr class="${r.caching}"><th scope="row">caching ${r.caching}, ${r.pass}</th><td>${r.requests}</td><td>${r.queries}</td><td>${r.dbMs}</td><td>${r.ms}</td>
        <td class="small">${r.views.map((v) => `${v.view}: ${v.requests}/${v.queries}/${v.ms}`).join(' · ')}</td></tr>`,
    )
    .join('');
  return `<table class="comparison"><caption>${WALK.join(' → ')} (${WALK.length} views)</caption>
    <thead><tr><th></th><th>API requests</th><th>SQL queries</th><th>DB ms</th><th>total ms</th><th>per view: requests/queries/ms</th></tr></thead>
    <tbody>${body}</tbody></table>`;
}
