import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeEntry } from '../../src/devtools/describe-entry.js';
import { formatBytes, formatTimeLeft, formatTtl } from '../../src/devtools/format.js';
import type { PanelAction } from '../../src/devtools/panel-action.js';
import { isPanelData, type PanelCache, type PanelData } from '../../src/devtools/panel-data.js';
import { createPanelView } from '../../src/devtools/panel-view.js';
import { button, buttonNames, rowKeys, text } from './support.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const ORIGIN = 'https://app.test';

function cache(partial: Partial<PanelCache> & Pick<PanelCache, 'alias' | 'side'>): PanelCache {
  return { backend: 'idb', location: '', store: 'idb:', keyPrefix: '', version: 1, timeout: 300, maxEntries: 300, originShared: false, count: 0, bytes: 0, hits: 0, misses: 0, entries: [], ...partial };
}

/** What the page collects when a worker with a route table controls it. */
function sample(): PanelData {
  const api = { keyPrefix: '', version: 1 };
  const routeName = (id: string) => (id === 'route:0.0:/api/authors/:id' ? '/api/authors/:id' : id);
  const workerEntry = (key: string, url: string, extra: string[] = []) =>
    describeEntry({ key, size: 512, expires: T0 + 600_000, tags: [...extra, 'cachette:route:route:0.0:/api/authors/:id', `cachette:url:${url}`] }, api, routeName);
  return {
    version: 1,
    time: T0,
    caches: [
      cache({ alias: 'default', side: 'page', backend: 'idb', location: 'app', store: 'idb:app', originShared: true, count: 1, entries: [describeEntry({ key: ':1:greeting', size: 10, expires: T0 + 65_000, tags: ['words'] }, api)], hits: 3, misses: 1 }),
      cache({ alias: 'default', side: 'worker', backend: 'idb', location: 'app', store: 'idb:app', originShared: true, count: 1, entries: [describeEntry({ key: ':1:greeting', size: 10, expires: T0 + 65_000, tags: ['words'] }, api)] }),
      cache({
        alias: 'api',
        side: 'worker',
        backend: 'cache-storage',
        location: 'api',
        store: 'cache-storage:api',
        count: 2,
        entries: [workerEntry(':1:cachette.sw.page..GET.https://app.test/api/authors/1.d41d8', `${ORIGIN}/api/authors/1`, ['authors']), workerEntry(':1:cachette.sw.headers..https://app.test/api/authors/1', `${ORIGIN}/api/authors/1`, ['authors'])],
        hits: 5,
        misses: 2,
      }),
    ],
    worker: {
      state: 'ok',
      scriptURL: `${ORIGIN}/sw.js`,
      scope: `${ORIGIN}/`,
      routes: [{ id: 'route:0.0:/api/authors/:id', kind: 'route', match: '/api/authors/:id', ttl: 600, cache: 'api', keyPrefix: '', tags: [], invalidatedBy: [], hits: 5, misses: 2, stored: 2 }],
    },
    storage: { usage: 2_500_000, quota: 10 * 1024 ** 3, persisted: false },
    errors: [{ side: 'worker', context: "reading https://app.test/x from cache 'api'", message: 'QuotaExceededError: full', time: T0 - 1000 }],
  };
}

afterEach(() => {
  document.body.replaceChildren();
});

function mountView(act: (a: PanelAction) => Promise<void> = async () => {}, now = () => T0) {
  const view = createPanelView(document, { act, now });
  document.body.append(view.element);
  return view;
}

describe('the panel view', () => {
  it('shows worker entries by URL (same-origin as a path) with their route, and hides Cachette’s internal tags', () => {
    const view = mountView();
    view.update(sample());
    const root = view.element;
    // The response and its learnt Vary list are one row, with both sizes.
    expect(rowKeys(root, 'api')).toEqual(['/api/authors/1']);
    const section = root.querySelector('section[aria-label="Cache api"]') as HTMLElement;
    expect(text(section)).toContain('via /api/authors/:id');
    expect(text(section)).toContain('1.0 KB');
    expect(text(section)).toContain('authors');
    expect(text(section)).not.toContain('cachette:url:');
    expect(text(section)).not.toContain('cachette:route:');
    expect(text(section)).toMatch(/5 hits · 2 misses · 71% hit ratio/);
  });

  it('counts rows, not the Vary lists folded into them', () => {
    const view = mountView();
    view.update(sample());
    const section = view.element.querySelector('section[aria-label="Cache api"]') as HTMLElement;
    expect(section.querySelector('.head .muted')?.textContent).toBe('1 entry');
    expect(section.querySelector('.stats')?.textContent).toContain('· 1 entry (+1 Vary list) · 0 B ·');
    // The shared default store once, and api's one row.
    expect(view.element.querySelector('.summary')?.textContent).toMatch(/^2 entries · /);
  });

  it('puts an entry’s tags under its key too, for a narrow panel (CSS shows one of the two)', () => {
    const view = mountView();
    view.update(sample());
    const row = view.element.querySelector('section[aria-label="Cache default"] tbody tr') as HTMLElement;
    expect([...row.querySelectorAll('td:first-child .narrow-only .tag')].map((t) => t.textContent)).toEqual(['words']);
    expect([...row.querySelectorAll('td.c-tags .tag')].map((t) => t.textContent)).toEqual(['words']);
  });

  it('shows a Vary list whose response is gone as its own row', () => {
    const view = mountView();
    const data = sample();
    data.caches[2]!.entries = data.caches[2]!.entries.filter((e) => e.kind === 'vary');
    view.update(data);
    expect(rowKeys(view.element, 'api')).toEqual(['/api/authors/1 (Vary)']);
    expect(view.element.querySelector('section[aria-label="Cache api"] .stats')?.textContent).not.toContain('Vary list');
    expect(buttonNames(view.element)).toContain('Delete /api/authors/1 (Vary)');
  });

  it('lists a page alias and the worker’s alias over one shared store once, labelled with both sides', () => {
    const view = mountView();
    view.update(sample());
    const section = view.element.querySelector('section[aria-label="Cache default"]') as HTMLElement;
    expect(section.querySelectorAll('table')).toHaveLength(1);
    expect([...section.querySelectorAll('.badge')].map((b) => b.textContent)).toEqual(['page', 'worker']);
    expect(rowKeys(view.element, 'default')).toEqual(['greeting']);
  });

  it('shows the route table, the worker state, storage and errors', () => {
    const view = mountView();
    view.update(sample());
    const all = text(view.element);
    expect(all).toContain('Controls this page');
    expect(all).toContain('Controls this page · /sw.js · scope /');
    const routes = view.element.querySelector('table[aria-label="Worker routes"]') as HTMLElement;
    expect([...routes.querySelectorAll('tbody td')].map((td) => td.textContent)).toEqual(['/api/authors/:id', 'route', '600s (10m)', 'api', '5', '2', '2']);
    expect(all).toContain('storage 2.4 MB of 10.0 GB · not persistent');
    expect(all).toContain('QuotaExceededError: full');
  });

  it('names one Clear button per alias, even when the page and the worker both have it', () => {
    const view = mountView();
    view.update(sample());
    const names = buttonNames(view.element);
    expect(names.filter((n) => n === 'Clear default')).toHaveLength(1);
    expect(names).toEqual(expect.arrayContaining(['Clear all', 'Clear default', 'Clear api', 'Delete greeting', 'Delete /api/authors/1']));
  });

  it('builds the actions: clear an alias, delete a worker entry by URL, delete a page entry by caller key', async () => {
    const act = vi.fn(async (_action: PanelAction) => {});
    const view = mountView(act);
    view.update(sample());
    button(view.element, 'Clear api').click();
    button(view.element, 'Delete /api/authors/1').click();
    button(view.element, 'Delete greeting').click();
    button(view.element, 'Clear all').click();
    expect(act.mock.calls.map((c) => c[0])).toEqual([
      { type: 'clear', cache: 'api' },
      {
        type: 'delete',
        cache: 'api',
        side: 'worker',
        key: ':1:cachette.sw.page..GET.https://app.test/api/authors/1.d41d8',
        callerKey: 'cachette.sw.page..GET.https://app.test/api/authors/1.d41d8',
        url: `${ORIGIN}/api/authors/1`,
      },
      { type: 'delete', cache: 'default', side: 'page', key: ':1:greeting', callerKey: 'greeting' },
      { type: 'clear-all' },
    ]);
  });

  it('ticks countdowns from its clock without new data', () => {
    let now = T0;
    const view = mountView(undefined, () => now);
    view.update(sample());
    const cell = () => view.element.querySelector('section[aria-label="Cache default"] td.ttl')?.textContent;
    expect(cell()).toBe('1m 05s');
    now += 6_000;
    view.tick();
    expect(cell()).toBe('59s');
    now += 60_000;
    view.tick();
    expect(cell()).toBe('expired');
  });

  it('collapses an alias, and keeps it collapsed across updates', () => {
    const view = mountView();
    view.update(sample());
    const twisty = [...view.element.querySelectorAll('button.twisty')].find((b) => b.textContent === 'api') as HTMLButtonElement;
    twisty.click();
    expect(rowKeys(view.element, 'api')).toEqual([]);
    view.update({ ...sample(), time: T0 + 1000 });
    expect(rowKeys(view.element, 'api')).toEqual([]);
    const again = [...view.element.querySelectorAll('button.twisty')].find((b) => b.textContent === 'api') as HTMLButtonElement;
    expect(again.getAttribute('aria-expanded')).toBe('false');
    again.click();
    expect(rowKeys(view.element, 'api')).toEqual(['/api/authors/1']);
  });

  it('says when no worker controls the page, or when one does not answer', () => {
    const view = mountView();
    view.update({ ...sample(), worker: { state: 'none', routes: [] } });
    expect(text(view.element)).toContain('No worker controls this page.');
    view.update({ ...sample(), worker: { state: 'silent', scriptURL: `${ORIGIN}/other-sw.js`, routes: [] } });
    expect(text(view.element)).toContain('did not answer');
  });

  it('renders keys and URLs as text, never as markup', () => {
    const view = mountView();
    const data = sample();
    data.caches[0]!.entries = [describeEntry({ key: ':1:<img src=x onerror=alert(1)>', size: 1, expires: Infinity, tags: ['<b>t</b>'] }, { keyPrefix: '', version: 1 })];
    view.update(data);
    expect(view.element.querySelector('img')).toBeNull();
    expect(rowKeys(view.element, 'default')).toEqual(['<img src=x onerror=alert(1)>']);
  });
});

describe('describeEntry', () => {
  it('parses prefix and version, and keeps the caller key only for the alias’s own shape', () => {
    const shape = { keyPrefix: 'app', version: 2 };
    expect(describeEntry({ key: 'app:2:user:1', size: 1, expires: Infinity, tags: [] }, shape)).toMatchObject({ label: 'user:1', version: 2, callerKey: 'user:1', expires: null, kind: 'value' });
    expect(describeEntry({ key: 'app:1:user:1', size: 1, expires: 5, tags: [] }, shape)).toMatchObject({ label: 'user:1', version: 1, expires: 5 });
    expect(describeEntry({ key: 'app:1:user:1', size: 1, expires: 5, tags: [] }, shape).callerKey).toBeUndefined();
    expect(describeEntry({ key: 'other:4:x', size: 1, expires: 5, tags: [] }, shape)).toMatchObject({ label: 'x', version: 4 });
    const custom = describeEntry({ key: 'custom-key', size: 1, expires: 5, tags: [] }, shape);
    expect(custom.label).toBe('custom-key');
    expect(custom.version).toBeUndefined();
    expect(custom.callerKey).toBeUndefined();
  });

  it('counts a worker entry kept past its freshness down to when it goes stale, not to "never"', () => {
    const tags = ['cachette:url:https://app.test/api/a', `cachette:fresh-until:${T0 + 60_000}`];
    const entry = describeEntry({ key: ':1:cachette.sw.page..GET.https://app.test/api/a.h', size: 1, expires: Infinity, tags }, { keyPrefix: '', version: 1 });
    expect(entry.expires).toBe(T0 + 60_000);
    expect(entry.tags).toEqual([]);
    expect(formatTimeLeft(entry.expires, T0)).toBe('1m 00s');
  });
});

describe('formatting', () => {
  it('writes sizes, countdowns and TTLs compactly', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GB');
    expect(formatTimeLeft(null, 0)).toBe('never');
    expect(formatTimeLeft(T0 + 42_000, T0)).toBe('42s');
    expect(formatTimeLeft(T0 + 3 * 3600_000 + 12 * 60_000, T0)).toBe('3h 12m');
    expect(formatTimeLeft(T0 + 40 * 86_400_000, T0)).toBe('40d 0h');
    expect(formatTimeLeft(T0, T0)).toBe('expired');
    expect(formatTtl(null)).toBe('never');
    expect(formatTtl(30)).toBe('30s');
    expect(formatTtl(3600)).toBe('3600s (1h)');
  });
});

describe('the panel view at scale', () => {
  const api = { keyPrefix: '', version: 1 };
  function big(listed: number, count: number): PanelData {
    const entries = Array.from({ length: listed }, (_, i) => describeEntry({ key: `:1:k${String(i).padStart(4, '0')}`, size: 10, expires: T0 + 60_000, tags: [] }, api));
    return { ...sample(), caches: [cache({ alias: 'big', side: 'page', count, entries })], errors: [] };
  }

  it('renders a page of 50 rows per table, and "Show more" adds the next page', () => {
    const view = mountView();
    view.update(big(120, 120));
    const root = view.element;
    expect(rowKeys(root, 'big')).toHaveLength(50);
    expect(text(root.querySelector('section[aria-label="Cache big"]') as HTMLElement)).toContain('Showing 50 of 120');
    button(root, 'Show more entries of big').click();
    expect(rowKeys(root, 'big')).toHaveLength(100);
    expect(button(root, 'Show more entries of big').textContent).toBe('Show 20 more');
    button(root, 'Show more entries of big').click();
    expect(rowKeys(root, 'big')).toHaveLength(120);
    expect(buttonNames(root)).not.toContain('Show more entries of big');
  });

  it('a store larger than its listing: counts it all, and says how to narrow what is listed', () => {
    const view = mountView();
    view.update(big(50, 100_000));
    const section = view.element.querySelector('section[aria-label="Cache big"]') as HTMLElement;
    expect(rowKeys(view.element, 'big')).toHaveLength(50);
    expect(text(section)).toContain('100000 entries');
    expect(text(section)).toContain('Showing 50 of 100000 · the panel lists 50 of them');
    expect(text(section)).toContain('≥ ');
  });
});

describe('isPanelData', () => {
  it('accepts the collected shape and refuses anything else', () => {
    expect(isPanelData(JSON.parse(JSON.stringify(sample())))).toBe(true);
    expect(isPanelData(null)).toBe(false);
    expect(isPanelData({ ...sample(), version: 2 })).toBe(false);
    expect(isPanelData({ ...sample(), caches: [{ alias: 1 }] })).toBe(false);
  });
});
