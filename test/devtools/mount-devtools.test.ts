import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineCaches, getCache, invalidate } from '../../src/index.js';
import { mountDevtools } from '../../src/devtools/index.js';
import { button, buttonNames, panelRoot, rowKeys, text, type, until } from './support.js';

let unique = 0;
let unmount: (() => void) | undefined;

beforeEach(() => {
  unique += 1;
  localStorage.clear();
  defineCaches({
    default: { backend: 'memory', location: `dt-default-${unique}` },
    other: { backend: 'memory', location: `dt-other-${unique}`, keyPrefix: 'o', version: 3 },
  });
});
afterEach(async () => {
  unmount?.();
  unmount = undefined;
  vi.useRealTimers();
  await getCache().clear();
  await getCache('other').clear();
  document.body.replaceChildren();
});

async function mountOpen(options: Parameters<typeof mountDevtools>[0] = {}): Promise<ShadowRoot> {
  unmount = mountDevtools({ open: true, refreshMs: 50, ...options });
  const root = panelRoot();
  await until(() => expect(text(root)).toContain('Caches ('));
  return root;
}

describe('mountDevtools', () => {
  it('adds one <cachette-devtools> with an open shadow root, and unmount removes it and every timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const stop = mountDevtools({ open: true });
    const host = document.querySelector('cachette-devtools');
    expect(host?.shadowRoot).toBeTruthy();
    expect(host?.shadowRoot?.querySelector('style')).toBeTruthy();
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    stop();
    expect(document.querySelector('cachette-devtools')).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    stop(); // twice is harmless
  });

  it('defines the element on the first mount only, and mounts into a given target', () => {
    const target = document.createElement('div');
    document.body.append(target);
    unmount = mountDevtools({ target });
    expect(customElements.get('cachette-devtools')).toBeDefined();
    expect(target.querySelector('cachette-devtools')).toBeTruthy();
    const second = mountDevtools();
    expect(document.querySelectorAll('cachette-devtools')).toHaveLength(2);
    second();
  });

  it('rejects bad options with a TypeError naming what is accepted', () => {
    expect(() => mountDevtools({ position: 'middle' as never })).toThrow(/position must be one of bottom-right/);
    expect(() => mountDevtools({ theme: 'blue' as never })).toThrow(/theme must be one of light, dark, auto/);
    expect(() => mountDevtools({ refreshMs: 0 })).toThrow(/refreshMs/);
    expect(document.querySelector('cachette-devtools')).toBeNull();
  });

  it('opens and closes with the toggle named "Cachette devtools", and the open state survives a remount', async () => {
    unmount = mountDevtools({ refreshMs: 50 });
    const root = panelRoot();
    const toggle = button(root, 'Cachette devtools');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(root.querySelector<HTMLElement>('.frame')?.hidden).toBe(true);
    toggle.click();
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(localStorage.getItem('cachette:devtools:open')).toBe('true');
    unmount();
    unmount = mountDevtools({ open: false });
    expect(panelRoot().querySelector<HTMLElement>('.frame')?.hidden).toBe(false);
    button(panelRoot(), 'Close panel').click();
    expect(localStorage.getItem('cachette:devtools:open')).toBe('false');
    button(panelRoot(), 'Cachette devtools').click();
    panelRoot().querySelector('.frame')?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(button(panelRoot(), 'Cachette devtools').getAttribute('aria-expanded')).toBe('false');
  });

  it('keeps working when localStorage throws (a sandboxed frame, storage disabled)', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'localStorage');
    let reads = 0;
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        reads += 1;
        throw new DOMException('denied', 'SecurityError');
      },
    });
    try {
      const root = await mountOpen();
      button(root, 'Close panel').click();
      button(root, 'Cachette devtools').click();
      expect(button(root, 'Cachette devtools').getAttribute('aria-expanded')).toBe('true');
      expect(reads).toBeGreaterThan(0);
    } finally {
      if (descriptor) Object.defineProperty(globalThis, 'localStorage', descriptor);
      else delete (globalThis as { localStorage?: unknown }).localStorage;
    }
  });

  it('lists every alias with its backend and counters, and every key, live', async () => {
    await getCache().set('greeting', 'hello', 60, { tags: ['words'] });
    await getCache('other').set('answer', 42, null);
    const root = await mountOpen();
    await until(() => expect(rowKeys(root, 'default')).toEqual(['greeting']));
    expect(rowKeys(root, 'other')).toEqual(['answer']);
    const other = root.querySelector('section[aria-label="Cache other"]') as HTMLElement;
    expect(text(other)).toContain('memory');
    expect(text(other)).toContain('never');
    expect(text(other)).toContain('3'); // the version parsed from 'o:3:answer'
    expect(text(root.querySelector('section[aria-label="Cache default"]') as HTMLElement)).toContain('words');

    // live: a new key and a hit appear without any click
    await getCache().set('later', 1);
    await getCache().get('greeting');
    await until(() => expect(rowKeys(root, 'default')).toEqual(['greeting', 'later']));
    await until(() => expect(text(root.querySelector('section[aria-label="Cache default"] .stats') as HTMLElement)).toMatch(/1 hit · 0 misses · 100% hit ratio/));
  });

  it('refreshes at once on an invalidation', async () => {
    await getCache().set('a', 1);
    const root = await mountOpen({ refreshMs: 60_000 });
    await until(() => expect(rowKeys(root, 'default')).toEqual(['a']));
    await invalidate({ keys: ['a'] });
    await until(() => expect(rowKeys(root, 'default')).toEqual([]));
  });

  it('filters by key, URL or tag, and sorts by key, size and time left', async () => {
    await getCache().set('b-small', 'x', 30);
    await getCache().set('a-big', 'x'.repeat(500), 300, { tags: ['heavy'] });
    await getCache().set('c-forever', 'xx', null);
    const root = await mountOpen();
    await until(() => expect(rowKeys(root, 'default')).toEqual(['a-big', 'b-small', 'c-forever']));
    const sort = root.querySelector('select[aria-label="Sort entries by"]') as HTMLSelectElement;
    sort.value = 'size';
    sort.dispatchEvent(new Event('change'));
    expect(rowKeys(root, 'default')).toEqual(['a-big', 'c-forever', 'b-small']);
    sort.value = 'ttl';
    sort.dispatchEvent(new Event('change'));
    expect(rowKeys(root, 'default')).toEqual(['b-small', 'a-big', 'c-forever']);

    const filter = root.querySelector('input[aria-label="Filter entries"]') as HTMLInputElement;
    type(filter, 'HEAVY');
    expect(rowKeys(root, 'default')).toEqual(['a-big']);
    type(filter, 'small');
    expect(rowKeys(root, 'default')).toEqual(['b-small']);
    type(filter, 'nothing like it');
    expect(rowKeys(root, 'default')).toEqual([]);
    expect(text(root)).toContain('No entry matches');
    type(filter, '');
    expect(rowKeys(root, 'default')).toHaveLength(3);
  });

  it('names its buttons for assistive technology: Clear all, Clear <alias>, Delete <key>', async () => {
    await getCache().set('greeting', 'hello');
    const root = await mountOpen();
    await until(() => expect(buttonNames(root)).toContain('Delete greeting'));
    expect(buttonNames(root)).toEqual(
      expect.arrayContaining(['Cachette devtools', 'Clear all', 'Clear default', 'Clear other', 'Delete greeting', 'Invalidate prefix', 'Invalidate tag']),
    );
  });

  it('Clear <alias> clears only that alias', async () => {
    await getCache().set('a', 1);
    await getCache('other').set('b', 2);
    const root = await mountOpen();
    await until(() => expect(rowKeys(root, 'other')).toEqual(['b']));
    button(root, 'Clear default').click();
    await until(() => expect(rowKeys(root, 'default')).toEqual([]));
    expect(await getCache().has('a')).toBe(false);
    expect(await getCache('other').get('b')).toBe(2);
    expect(rowKeys(root, 'other')).toEqual(['b']);
  });

  it('Clear all clears every alias', async () => {
    await getCache().set('a', 1);
    await getCache('other').set('b', 2);
    const root = await mountOpen();
    await until(() => expect(rowKeys(root, 'other')).toEqual(['b']));
    button(root, 'Clear all').click();
    await until(() => expect([...rowKeys(root, 'default'), ...rowKeys(root, 'other')]).toEqual([]));
    expect(await getCache('other').has('b')).toBe(false);
  });

  it('deletes one entry, by its caller key or (another version) by its stored key', async () => {
    await getCache().set('a', 1);
    await getCache().set('b', 2);
    await getCache().set('a', 'old', 60, { version: 7 });
    const root = await mountOpen();
    await until(() => expect(rowKeys(root, 'default')).toEqual(['a', 'a', 'b']));
    button(root, 'Delete b').click();
    await until(() => expect(rowKeys(root, 'default')).toEqual(['a', 'a']));
    expect(await getCache().get('a')).toBe(1);
    // Two rows are labelled 'a' (versions 1 and 7): delete the version-7 one by its row.
    const rows = [...root.querySelectorAll('section[aria-label="Cache default"] tbody tr')];
    const v7 = rows.find((r) => r.querySelectorAll('td')[1]?.textContent === '7');
    (v7?.querySelector('button') as HTMLButtonElement).click();
    await until(() => expect(rowKeys(root, 'default')).toEqual(['a']));
    expect(await getCache().get('a', undefined, { version: 7 })).toBeUndefined();
    expect(await getCache().get('a')).toBe(1);
  });

  it('invalidates by prefix and by tag from the form', async () => {
    await getCache().set('user:1', 1);
    await getCache().set('user:2', 2);
    await getCache('other').set('post:1', 3, 60, { tags: ['posts'] });
    await getCache('other').set('post:2', 4);
    const root = await mountOpen();
    await until(() => expect(rowKeys(root, 'other')).toHaveLength(2));
    const field = root.querySelector('input[aria-label="Prefix or tag"]') as HTMLInputElement;
    expect(button(root, 'Invalidate prefix').disabled).toBe(true);
    type(field, 'user:');
    button(root, 'Invalidate prefix').click();
    await until(() => expect(rowKeys(root, 'default')).toEqual([]));
    type(field, 'posts');
    button(root, 'Invalidate tag').click();
    await until(() => expect(rowKeys(root, 'other')).toEqual(['post:2']));
  });

  it('shows time left as a countdown, "never" for entries without expiry', async () => {
    await getCache().set('soon', 1, 65);
    await getCache().set('forever', 1, null);
    const root = await mountOpen();
    await until(() => expect(rowKeys(root, 'default')).toHaveLength(2));
    const cells = [...root.querySelectorAll('td.ttl')].map((c) => c.textContent);
    expect(cells[0]).toBe('never');
    expect(cells[1]).toMatch(/^1m 0[45]s$/);
  });

  it('says no worker controls the page, and shows storage as unknown where the browser does not tell', async () => {
    const root = await mountOpen();
    expect(text(root)).toContain('No worker controls this page.');
    expect(text(root)).toContain('storage use unknown');
    expect(text(root)).toContain('No errors.');
  });

  it('shows a store that cannot be read as an error line, not an exception', async () => {
    await getCache().set('a', 1);
    vi.spyOn(getCache().store, 'list').mockRejectedValue(new DOMException('The database connection is closing.', 'InvalidStateError'));
    const root = await mountOpen();
    await until(() => expect(text(root)).toContain('cannot read the store'));
    expect(text(root)).toContain('The store could not be read.');
    vi.restoreAllMocks();
    await until(() => expect(rowKeys(root, 'default')).toEqual(['a']));
  });
});
