/**
 * The panel's DOM: header, toolbar (filter, sort, invalidate by prefix or tag) and the
 * content (caches and their entries, the worker's route table, errors), rendered from
 * `PanelData`. Pure view: it imports nothing of the library, so the Chrome extension
 * bundle renders with it too. Buttons build `PanelAction`s; the host runs them.
 */
import { fragment, h, type Child } from './dom.js';
import { compareEntries, matchesFilter, type SortKey } from './entry-order.js';
import { entryRows, type EntryRows } from './entry-rows.js';
import { formatBytes, formatClock, formatDuration, formatRatio, formatTimeLeft, originOf, relativeUrl } from './format.js';
import type { PanelAction } from './panel-action.js';
import type { PanelCache, PanelData, PanelEntry } from './panel-data.js';
import { workerSection } from './worker-section.js';

/** What the view needs from its host. */
export interface PanelViewOptions {
  /** Runs an action (the host refreshes afterwards). */
  act(action: PanelAction): Promise<void>;
  /** Adds a close button calling it (the in-page panel). */
  onClose?: () => void;
  /** The clock for countdowns; default `Date.now`. */
  now?: () => number;
}

/** The rendered panel. */
export interface PanelView {
  readonly element: HTMLElement;
  /** Renders `data`, or `message` instead when there is none (loading, no hook on the page). */
  update(data: PanelData | null, message?: string): void;
  /** Refreshes the countdowns from the clock, without new data. */
  tick(): void;
}

/**
 * Rows rendered per table at first; each "Show more" adds as many. The panel re-renders as the
 * data moves (every second while hits arrive): a page of rows keeps each render a short task.
 */
const PAGE_ROWS = 50;

/**
 * Builds the panel in `doc` (append `view.element` where it belongs).
 * @example const view = createPanelView(document, { act: runPanelAction }); shadow.append(view.element);
 */
export function createPanelView(doc: Document, options: PanelViewOptions): PanelView {
  const now = options.now ?? Date.now;
  let data: PanelData | null = null;
  let message = 'Loading…';
  let filter = '';
  let sort: SortKey = 'key';
  let signature = '';
  const collapsed = new Set<string>();
  /** Table (side and store) → how many pages of rows it shows. */
  const pages = new Map<string, number>();

  const act = async (action: PanelAction): Promise<void> => {
    await options.act(action);
  };

  const summary = h(doc, 'span', { class: 'summary' });
  const clearAll = h(doc, 'button', { type: 'button', class: 'danger', onclick: () => void act({ type: 'clear-all' }) }, 'Clear all');
  const filterInput = h(doc, 'input', { type: 'search', class: 'grow', placeholder: 'Filter keys, URLs, tags', 'aria-label': 'Filter entries' });
  const sortSelect = h(
    doc,
    'select',
    { 'aria-label': 'Sort entries by' },
    h(doc, 'option', { value: 'key' }, 'Sort: key'),
    h(doc, 'option', { value: 'size' }, 'Sort: size'),
    h(doc, 'option', { value: 'ttl' }, 'Sort: time left'),
  );
  const targetInput = h(doc, 'input', { type: 'text', class: 'target', placeholder: 'prefix or tag', 'aria-label': 'Prefix or tag', spellcheck: 'false' });
  const invalidateWith = (kind: 'prefix' | 'tag') => async () => {
    const value = targetInput.value;
    if (!value) return;
    await act(kind === 'prefix' ? { type: 'invalidate-prefix', prefix: value } : { type: 'invalidate-tag', tag: value });
    targetInput.value = '';
    syncForm();
  };
  const byPrefix = h(doc, 'button', { type: 'button', disabled: true, onclick: invalidateWith('prefix') }, 'Invalidate prefix');
  const byTag = h(doc, 'button', { type: 'button', disabled: true, onclick: invalidateWith('tag') }, 'Invalidate tag');
  const syncForm = (): void => {
    byPrefix.disabled = byTag.disabled = targetInput.value === '';
  };
  const body = h(doc, 'div', { class: 'body' });
  const element = h(
    doc,
    'div',
    { class: 'panel', role: 'region', 'aria-label': 'Cachette caches' },
    h(
      doc,
      'header',
      null,
      h(doc, 'h1', null, 'Cachette'),
      summary,
      clearAll,
      options.onClose && h(doc, 'button', { type: 'button', class: 'icon', 'aria-label': 'Close panel', title: 'Close', onclick: options.onClose }, '×'),
    ),
    h(doc, 'div', { class: 'toolbar' }, filterInput, sortSelect, h(doc, 'span', { class: 'sep' }), targetInput, byPrefix, byTag),
    body,
  );
  filterInput.addEventListener('input', () => {
    filter = filterInput.value.trim().toLowerCase();
    render();
  });
  sortSelect.addEventListener('change', () => {
    sort = sortSelect.value as SortKey;
    render();
  });
  targetInput.addEventListener('input', syncForm);
  targetInput.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Enter') void invalidateWith('prefix')();
  });

  function render(): void {
    const next = JSON.stringify([data && { ...data, time: 0 }, message, filter, sort, [...collapsed], [...pages]]);
    if (next === signature) return;
    signature = next;
    summary.textContent = data ? summaryText(data) : '';
    clearAll.disabled = !data;
    // Re-rendering replaces the buttons: keep keyboard focus on the same one.
    const root = element.getRootNode() as Document | ShadowRoot;
    const focused = root.activeElement instanceof HTMLElement && body.contains(root.activeElement) ? root.activeElement.getAttribute('aria-label') : null;
    body.replaceChildren(fragment(doc, data ? content(data) : h(doc, 'p', { class: 'empty' }, message)));
    if (focused) {
      for (const el of body.querySelectorAll<HTMLElement>('[aria-label]')) {
        if (el.getAttribute('aria-label') === focused) {
          el.focus();
          break;
        }
      }
    }
    tick();
  }

  function content(d: PanelData): Child[] {
    const origin = originOf(d.worker.scope);
    const groups = new Map<string, PanelCache[]>();
    for (const c of d.caches) groups.set(c.alias, [...(groups.get(c.alias) ?? []), c]);
    return [
      h(doc, 'h2', null, `Caches (${groups.size})`),
      groups.size === 0 ? h(doc, 'p', { class: 'empty' }, 'No cache is configured.') : [...groups].map(([alias, caches]) => group(alias, caches, origin)),
      h(doc, 'h2', null, 'Worker'),
      workerSection(doc, d.worker),
      h(doc, 'h2', null, `Errors (${d.errors.length})`),
      d.errors.length === 0
        ? h(doc, 'p', { class: 'empty' }, 'No errors.')
        : h(
            doc,
            'ul',
            { class: 'errors' },
            d.errors.map((e) =>
              h(
                doc,
                'li',
                null,
                h(doc, 'span', { class: 'time' }, formatClock(e.time)),
                h(doc, 'span', { class: e.side === 'worker' ? 'badge worker' : 'badge' }, e.side),
                h(doc, 'span', { class: 'msg' }, e.context, h(doc, 'span', { class: 'err' }, e.message)),
              ),
            ),
          ),
    ];
  }

  function group(alias: string, caches: PanelCache[], origin: string): HTMLElement {
    const open = !collapsed.has(alias);
    const listed = new Map(caches.map((c) => [c, entryRows(c)]));
    const count = Math.max(0, ...[...listed.values()].map((r) => r.count));
    const head = h(
      doc,
      'div',
      { class: 'head' },
      h(
        doc,
        'button',
        {
          type: 'button',
          class: 'twisty',
          'aria-expanded': String(open),
          onclick: () => {
            if (open) collapsed.add(alias);
            else collapsed.delete(alias);
            render();
          },
        },
        h(doc, 'span', { class: 'alias' }, alias),
      ),
      caches.map((c) => h(doc, 'span', { class: c.side === 'worker' ? 'badge worker' : 'badge' }, c.side)),
      h(doc, 'span', { class: 'spacer' }),
      h(doc, 'span', { class: 'muted' }, `${count} ${count === 1 ? 'entry' : 'entries'}`),
      h(doc, 'button', { type: 'button', class: 'danger', 'aria-label': `Clear ${alias}`, title: `Clear every entry of '${alias}'`, onclick: () => void act({ type: 'clear', cache: alias }) }, 'Clear'),
    );
    const stats = h(
      doc,
      'div',
      { class: 'stats' },
      caches.map((c) => [
        h(doc, 'span', { class: 'side' }, c.side),
        h(
          doc,
          'span',
          null,
          `${c.backend}${c.location ? ` “${c.location}”` : ''} · `,
          entryCount(listed.get(c) ?? entryRows(c)),
          ' · ',
          // A store larger than its listing: the size of what is listed, at least.
          h(doc, 'b', null, `${c.count > c.entries.length ? '≥ ' : ''}${formatBytes(c.bytes)}`),
          ' · ',
          h(doc, 'b', null, c.hits),
          c.hits === 1 ? ' hit · ' : ' hits · ',
          h(doc, 'b', null, c.misses),
          c.misses === 1 ? ' miss' : ' misses',
          c.hits + c.misses > 0 && [' · ', h(doc, 'b', null, formatRatio(c.hits, c.misses)), ' hit ratio'],
          ` · timeout ${c.timeout === null ? 'never' : formatDuration(c.timeout).replace(/ 00s$| 00m$/, '')}`,
          c.error && h(doc, 'span', { class: 'err' }, ` · cannot read the store: ${c.error}`),
        ),
      ]),
    );
    // One table per store: a page alias and the worker's alias over one shared store list the same entries.
    const tables: { label: string; cache: PanelCache }[] = [];
    for (const c of caches) {
      const same = tables.find((t) => t.cache.originShared && c.originShared && t.cache.store === c.store);
      if (same) same.label += ` + ${c.side}`;
      else tables.push({ label: c.side, cache: c });
    }
    return h(
      doc,
      'section',
      { class: 'cache', 'aria-label': `Cache ${alias}` },
      head,
      open && [stats, tables.map((t) => entryTable(t.cache, listed.get(t.cache) ?? entryRows(t.cache), tables.length > 1 ? t.label : null, origin))],
    );
  }

  function entryTable(cache: PanelCache, { rows, varySize, count }: EntryRows, caption: string | null, origin: string): Child {
    const entries = rows.filter((e) => matchesFilter(e, filter));
    const sorted = entries.sort(compareEntries(sort));
    const table = `${cache.side} ${cache.store}`;
    const shown = sorted.slice(0, PAGE_ROWS * (pages.get(table) ?? 1));
    // Without a filter, the store's own count: it may hold more than the snapshot listed.
    const total = filter ? sorted.length : Math.max(count, sorted.length);
    const more = (): void => {
      pages.set(table, (pages.get(table) ?? 1) + 1);
      render();
    };
    const empty = entries.length === 0 ? (filter ? `No entry matches “${filter}”.` : cache.error ? 'The store could not be read.' : 'No entries.') : null;
    return h(
      doc,
      'table',
      null,
      caption && h(doc, 'caption', null, caption),
      // Narrow (a phone, a docked DevTools): no Ver and Tags columns; the tags go under the key (panel-style.ts).
      h(doc, 'colgroup', null, h(doc, 'col', null), h(doc, 'col', { class: 'c-ver', style: 'width:34px' }), h(doc, 'col', { style: 'width:62px' }), h(doc, 'col', { style: 'width:72px' }), h(doc, 'col', { class: 'c-tags', style: 'width:26%' }), h(doc, 'col', { style: 'width:30px' })),
      h(doc, 'thead', null, h(doc, 'tr', null, h(doc, 'th', null, 'Key'), h(doc, 'th', { class: 'num c-ver', title: 'Version' }, 'Ver'), h(doc, 'th', { class: 'num' }, 'Size'), h(doc, 'th', { class: 'num' }, 'Time left'), h(doc, 'th', { class: 'c-tags' }, 'Tags'), h(doc, 'th', null))),
      h(
        doc,
        'tbody',
        null,
        empty !== null && h(doc, 'tr', null, h(doc, 'td', { colspan: 6, class: 'empty' }, empty)),
        shown.map((e) => row(cache, e, origin, e.kind === 'response' && e.url !== undefined ? (varySize.get(e.url) ?? 0) : 0)),
        total > shown.length &&
          h(
            doc,
            'tr',
            null,
            h(
              doc,
              'td',
              { colspan: 6, class: 'empty' },
              `Showing ${shown.length} of ${total}`,
              sorted.length > shown.length
                ? [' · ', h(doc, 'button', { type: 'button', 'aria-label': `Show more entries of ${cache.alias}`, onclick: more }, `Show ${Math.min(PAGE_ROWS, sorted.length - shown.length)} more`)]
                : ` · the panel lists ${rows.length} of them: filter, or invalidate by prefix or tag, to narrow.`,
            ),
          ),
      ),
    );
  }

  function row(cache: PanelCache, e: PanelEntry, origin: string, extraSize: number): HTMLElement {
    const shown = e.url !== undefined ? relativeUrl(e.url, origin) : e.label;
    const label = e.kind === 'vary' ? `${shown} (Vary)` : shown;
    const notes = [e.route && `via ${e.route}`, e.kind === 'vary' && 'learnt Vary headers only'].filter(Boolean).join(' · ');
    const tags = (): HTMLElement[] => e.tags.map((t) => h(doc, 'span', { class: 'tag', title: t }, t));
    const action: PanelAction = { type: 'delete', cache: cache.alias, side: cache.side, key: e.key };
    if (e.callerKey !== undefined) action.callerKey = e.callerKey;
    if (e.url !== undefined) action.url = e.url;
    return h(
      doc,
      'tr',
      null,
      h(
        doc,
        'td',
        null,
        h(doc, 'div', { class: 'key', title: `stored key: ${e.key}` }, label),
        notes && h(doc, 'div', { class: 'sub' }, notes),
        e.tags.length > 0 && h(doc, 'div', { class: 'narrow-only' }, tags()),
      ),
      h(doc, 'td', { class: 'num c-ver' }, e.version ?? ''),
      h(doc, 'td', { class: 'num', title: extraSize ? `${e.size} B response + ${extraSize} B Vary list` : null }, formatBytes(e.size + extraSize)),
      h(doc, 'td', { class: 'num ttl', 'data-expires': e.expires === null ? 'never' : e.expires }),
      h(doc, 'td', { class: 'c-tags' }, tags()),
      h(doc, 'td', { class: 'act' }, h(doc, 'button', { type: 'button', class: 'icon', 'aria-label': `Delete ${label}`, title: `Delete ${label}`, onclick: () => void act(action) }, '×')),
    );
  }

  // "4 entries (+2 Vary lists)": the rows, and the records folded into them.
  function entryCount({ count, folded }: EntryRows): Child[] {
    return [
      h(doc, 'b', null, count),
      count === 1 ? ' entry' : ' entries',
      folded > 0 && h(doc, 'span', { title: 'The Vary headers the worker learnt for a URL: stored beside its response, shown in its row' }, ` (+${folded} Vary ${folded === 1 ? 'list' : 'lists'})`),
    ];
  }

  function tick(): void {
    const t = now();
    for (const cell of body.querySelectorAll<HTMLElement>('td.ttl')) {
      const raw = cell.dataset.expires;
      const expires = raw === 'never' || raw === undefined ? null : Number(raw);
      const text = formatTimeLeft(expires, t);
      if (cell.textContent !== text) cell.textContent = text;
      cell.classList.toggle('never', expires === null);
      cell.classList.toggle('soon', expires !== null && expires - t < 10_000);
    }
  }

  return {
    element,
    update(next, text) {
      data = next;
      message = text ?? (next ? '' : 'Loading…');
      render();
    },
    tick,
  };
}

function summaryText(d: PanelData): string {
  const stores = new Map<string, number>();
  // A shared store counts once; a realm's own store once per side.
  for (const c of d.caches) stores.set(c.originShared ? c.store : `${c.side} ${c.store}`, entryRows(c).count);
  const entries = [...stores.values()].reduce((a, b) => a + b, 0);
  const s = d.storage;
  const storage =
    s.usage === undefined ? 'storage use unknown' : `storage ${formatBytes(s.usage)}${s.quota === undefined ? '' : ` of ${formatBytes(s.quota)}`}`;
  const persisted = s.persisted === undefined ? '' : s.persisted ? ' · persistent' : ' · not persistent';
  return `${entries} ${entries === 1 ? 'entry' : 'entries'} · ${storage}${persisted}`;
}
