/**
 * The panel's worker section: the worker's state (controlling, silent, none) and its route
 * TTL table with hits, misses, stores, revalidations (304s) and stale answers per route.
 * A narrow panel keeps Pattern, TTL, Hits and Misses (panel-style.ts hides the others by position).
 */
import { h, type Child } from './dom.js';
import { formatTtl, originOf, relativeUrl } from './format.js';
import type { PanelWorker } from './panel-data.js';

/** What the short column headers mean (their tooltips). */
const HEADER_TITLES: Record<string, string> = {
  '304s': 'Revalidated: expired entries renewed by a 304, without downloading the body',
  Stale: 'Stale answers: during a background refresh (stale-while-revalidate) or when the network failed (stale-if-error, offline)',
};

/**
 * The worker's part of the panel: whether one controls the page, and its route table with
 * each route's counters.
 * @example body.append(fragment(document, workerSection(document, data.worker)));
 */
export function workerSection(doc: Document, w: PanelWorker): Child[] {
  const origin = originOf(w.scope);
  if (w.state === 'none') return [h(doc, 'div', { class: 'state' }, h(doc, 'span', { class: 'dot none' }), 'No worker controls this page.')];
  if (w.state === 'silent') {
    return [h(doc, 'div', { class: 'state' }, h(doc, 'span', { class: 'dot none' }), `A worker controls this page${w.scriptURL ? ` (${w.scriptURL})` : ''} but did not answer: does it run cachette/sw?`)];
  }
  // Panel data from before revalidations and stale answers were counted has neither: no columns for them.
  const counted = w.routes.some((r) => r.revalidations !== undefined || r.stale !== undefined);
  return [
    h(doc, 'div', { class: 'state' }, h(doc, 'span', { class: 'dot ok' }), 'Controls this page · ', h(doc, 'span', { class: 'key', title: w.scriptURL ?? '' }, relativeUrl(w.scriptURL ?? '', origin)), ` · scope ${relativeUrl(w.scope ?? '', origin)}`),
    w.routes.length === 0
      ? h(doc, 'p', { class: 'empty' }, 'No routes declared.')
      : h(
          doc,
          'div',
          { class: 'routes' },
          h(
            doc,
            'table',
            { 'aria-label': 'Worker routes' },
            h(doc, 'colgroup', null, h(doc, 'col', null), h(doc, 'col', { style: 'width:54px' }), h(doc, 'col', { style: 'width:96px' }), h(doc, 'col', { style: 'width:22%' }), h(doc, 'col', { style: 'width:48px' }), h(doc, 'col', { style: 'width:52px' }), h(doc, 'col', { style: 'width:52px' }), counted && [h(doc, 'col', { style: 'width:60px' }), h(doc, 'col', { style: 'width:44px' })]),
            h(doc, 'thead', null, h(doc, 'tr', null, ['Pattern', 'Kind', 'TTL', 'Cache', 'Hits', 'Misses', 'Stored', ...(counted ? ['304s', 'Stale'] : [])].map((t, i) => h(doc, 'th', { class: i === 2 || i > 3 ? 'num' : null, title: HEADER_TITLES[t] ?? null }, t)))),
            h(
              doc,
              'tbody',
              null,
              w.routes.map((r) =>
                h(
                  doc,
                  'tr',
                  null,
                  h(doc, 'td', null, h(doc, 'div', { class: 'key', title: r.id }, r.match)),
                  h(doc, 'td', null, r.kind),
                  h(doc, 'td', { class: 'num', title: httpOptions(r) || null }, formatTtl(r.ttl), r.staleWhileRevalidate ? ` +swr ${formatTtl(r.staleWhileRevalidate)}` : null, r.staleIfError ? ` +sie ${formatTtl(r.staleIfError)}` : null),
                  h(doc, 'td', { class: 'key' }, r.cache),
                  h(doc, 'td', { class: 'num' }, r.hits),
                  h(doc, 'td', { class: 'num' }, r.misses),
                  h(doc, 'td', { class: 'num' }, r.stored),
                  counted && [
                    h(doc, 'td', { class: 'num', title: 'Expired entries the server confirmed with a 304' }, r.revalidations ?? 0),
                    h(doc, 'td', { class: 'num', title: 'Stale entries served (stale-while-revalidate, stale-if-error)' }, r.stale ?? 0),
                  ],
                ),
              ),
            ),
          ),
        ),
  ];
}

// The route's HTTP options in words, for the TTL cell's tooltip ('' when it has none).
function httpOptions(r: PanelWorker['routes'][number]): string {
  return [
    r.staleWhileRevalidate ? `stale-while-revalidate ${r.staleWhileRevalidate}s` : '',
    r.staleIfError ? `stale-if-error ${r.staleIfError}s` : '',
    Array.isArray(r.ignoreParams) && r.ignoreParams.length ? `ignores ${r.ignoreParams.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}
