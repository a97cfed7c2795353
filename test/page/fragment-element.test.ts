import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineCaches, getCache, makeFragmentKey, onCacheError, type ReportedError } from '../../src/index.js';
import { defineFragment, refreshFragments, varyTag } from '../../src/page/index.js';

let unique = 0;
let name: string;
let reports: ReportedError[];
let cleanups: (() => void)[];

beforeEach(() => {
  unique += 1;
  // Renderer names are per realm: a unique fragment name per test keeps tests apart.
  name = `element_${unique}`;
  defineCaches({ default: { backend: 'memory', location: `frag-el-${unique}` }, other: { backend: 'memory', location: `frag-el-other-${unique}` } });
  reports = [];
  cleanups = [onCacheError((report) => reports.push(report))];
});
afterEach(async () => {
  for (const cleanup of cleanups) cleanup();
  document.body.replaceChildren();
  await getCache().clear();
  await getCache('other').clear();
});

function define(...args: Parameters<typeof defineFragment>): void {
  cleanups.push(defineFragment(...args));
}

function mount(markup: string): HTMLElement {
  document.body.insertAdjacentHTML('beforeend', markup);
  return document.body.lastElementChild as HTMLElement;
}

async function settled(element: HTMLElement, state: string): Promise<void> {
  await vi.waitFor(() => expect(element.dataset.state).toBe(state));
}

describe('<cache-fragment>', () => {
  it('is defined by the first defineFragment, not at import, and upgrades elements already in the page', async () => {
    // The first test of this file: nothing has defined the element in this realm yet.
    const element = mount(`<cache-fragment name="${name}" vary-on="early">server placeholder</cache-fragment>`);
    expect(customElements.get('cache-fragment')).toBeUndefined();
    define(name, () => '<p>upgraded</p>');
    expect(customElements.get('cache-fragment')).toBeDefined();
    await settled(element, 'rendered');
    expect(element.innerHTML).toBe('<p>upgraded</p>');
    expect(await getCache().has(makeFragmentKey(name, ['early']))).toBe(true);
  });

  it('renders through its renderer, then restores from the cache', async () => {
    const render = vi.fn((element: HTMLElement) => {
      const p = document.createElement('p');
      p.textContent = `top author (${element.getAttribute('vary-on')})`;
      return p;
    });
    define(name, render);
    const first = mount(`<cache-fragment name="${name}" timeout="500" vary-on="alice">Loading…</cache-fragment>`);
    await settled(first, 'rendered');
    expect(first.innerHTML).toBe('<p>top author (alice)</p>');
    expect(render).toHaveBeenCalledWith(first);
    expect(await getCache().get(makeFragmentKey(name, ['alice']))).toBe('<p>top author (alice)</p>');

    const second = mount(`<cache-fragment name="${name}" timeout="500" vary-on="alice">Loading…</cache-fragment>`);
    await settled(second, 'restored');
    expect(second.innerHTML).toBe('<p>top author (alice)</p>');
    expect(render).toHaveBeenCalledTimes(1);
  });

  it('shows loading (keeping its placeholder) while the render runs', async () => {
    let finish!: (html: string) => void;
    define(name, () => new Promise<string>((resolve) => (finish = resolve)));
    const element = mount(`<cache-fragment name="${name}"><i>placeholder</i></cache-fragment>`);
    await settled(element, 'loading');
    expect(element.innerHTML).toBe('<i>placeholder</i>');
    await vi.waitFor(() => expect(finish).toBeTypeOf('function'));
    finish('<b>done</b>');
    await settled(element, 'rendered');
    expect(element.innerHTML).toBe('<b>done</b>');
  });

  it('re-renders when vary-on or name change while connected', async () => {
    const render = vi.fn((element: HTMLElement) => `<p>${element.getAttribute('name')}:${element.getAttribute('vary-on')}</p>`);
    define(name, render);
    define(`${name}_b`, render);
    const element = mount(`<cache-fragment name="${name}" vary-on="alice"></cache-fragment>`);
    await settled(element, 'rendered');
    element.setAttribute('vary-on', 'bob');
    await vi.waitFor(() => expect(element.innerHTML).toBe(`<p>${name}:bob</p>`));
    expect(element.dataset.state).toBe('rendered');
    element.setAttribute('vary-on', 'alice');
    await vi.waitFor(() => expect(element.innerHTML).toBe(`<p>${name}:alice</p>`));
    expect(element.dataset.state).toBe('restored');
    element.setAttribute('name', `${name}_b`);
    await vi.waitFor(() => expect(element.innerHTML).toBe(`<p>${name}_b:alice</p>`));
    expect(render).toHaveBeenCalledTimes(3);
    // Attributes that do not name another fragment do not reload it.
    element.setAttribute('tags', 'x');
    element.setAttribute('timeout', '5');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(render).toHaveBeenCalledTimes(3);
  });

  it('coalesces attributes changed together into one load', async () => {
    const render = vi.fn(() => '<p>x</p>');
    define(name, render);
    const element = mount(`<cache-fragment name="${name}" vary-on="a"></cache-fragment>`);
    await settled(element, 'rendered');
    element.setAttribute('vary-on', 'b');
    element.setAttribute('vary-on', 'c');
    await vi.waitFor(() => expect(render).toHaveBeenCalledTimes(2));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(render).toHaveBeenCalledTimes(2);
    expect(await getCache().has(makeFragmentKey(name, ['c']))).toBe(true);
    expect(await getCache().has(makeFragmentKey(name, ['b']))).toBe(false);
  });

  it('waits for a renderer defined after it connects', async () => {
    // Defines the element class first (a renderer of another name), as an app's first defineFragment would.
    define(`${name}_other`, () => 'other');
    const element = mount(`<cache-fragment name="${name}">placeholder</cache-fragment>`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(element.textContent).toBe('placeholder');
    define(name, () => '<p>now</p>');
    await settled(element, 'rendered');
    expect(element.innerHTML).toBe('<p>now</p>');
  });

  it('parses vary-on (a JSON array, or one string), tags, timeout and using', async () => {
    define(name, () => '<p>x</p>');
    const json = mount(`<cache-fragment name="${name}" vary-on='["alice", 3]' tags=" authors  news " timeout="none"></cache-fragment>`);
    await settled(json, 'rendered');
    const stored = getCache().makeKey(makeFragmentKey(name, ['alice', 3]));
    const entry = (await getCache().store.list(Date.now())).find((e) => e.key === stored);
    expect(entry?.tags.sort()).toEqual(['authors', 'news', varyTag('alice'), varyTag(3)].sort());
    expect(entry?.expires).toBe(Infinity);

    const text = mount(`<cache-fragment name="${name}" vary-on="[not json" using="other"></cache-fragment>`);
    await settled(text, 'error');
    expect(String(reports.at(-1)?.error)).toMatch(/vary-on starts with '\[' but is not a JSON array/);

    const single = mount(`<cache-fragment name="${name}" vary-on=" bob" using="other" timeout="2.5"></cache-fragment>`);
    await settled(single, 'rendered');
    const otherKey = getCache('other').makeKey(makeFragmentKey(name, [' bob']));
    const otherEntry = (await getCache('other').store.list(Date.now())).find((e) => e.key === otherKey);
    expect(otherEntry?.expires).toBeGreaterThan(Date.now());
    expect(otherEntry!.expires - Date.now()).toBeLessThanOrEqual(2_500);

    const byDefault = mount(`<cache-fragment name="${name}"></cache-fragment>`);
    await settled(byDefault, 'rendered');
    const defaultEntry = (await getCache().store.list(Date.now())).find((e) => e.key === getCache().makeKey(makeFragmentKey(name)));
    expect(defaultEntry!.expires - Date.now()).toBeGreaterThan(290_000); // the cache's default, 300 s
  });

  it('goes to the error state on a bad timeout, a missing name or a failing render, and dispatches error', async () => {
    const failure = new Error('API down');
    define(name, () => Promise.reject(failure));
    const element = mount(`<cache-fragment name="${name}">placeholder</cache-fragment>`);
    const events: unknown[] = [];
    element.addEventListener('error', (event) => events.push((event as unknown as CustomEvent).detail));
    await settled(element, 'error');
    expect(events).toEqual([failure]);
    expect(reports.map((r) => r.error)).toEqual([failure]);
    expect(reports[0]?.context).toContain(`name="${name}"`);
    expect(element.textContent).toBe('placeholder');

    const badTimeout = mount(`<cache-fragment name="${name}" timeout="soon"></cache-fragment>`);
    await settled(badTimeout, 'error');
    expect(String(reports.at(-1)?.error)).toMatch(/timeout must be a number of seconds or "none"/);

    const nameless = mount('<cache-fragment></cache-fragment>');
    await settled(nameless, 'error');
    expect(String(reports.at(-1)?.error)).toMatch(/needs a name attribute/);
  });

  it('calls onRestore with the restored fragment and the element', async () => {
    const onRestore = vi.fn((fragment: DocumentFragment, element: HTMLElement) => {
      fragment.querySelector('button')?.setAttribute('data-for', element.id);
    });
    define(name, () => '<button>like</button>', { onRestore });
    const first = mount(`<cache-fragment id="a" name="${name}"></cache-fragment>`);
    await settled(first, 'rendered');
    expect(onRestore).not.toHaveBeenCalled();
    const second = mount(`<cache-fragment id="b" name="${name}"></cache-fragment>`);
    await settled(second, 'restored');
    expect(onRestore).toHaveBeenCalledTimes(1);
    expect(onRestore.mock.calls[0]?.[1]).toBe(second);
    expect(second.innerHTML).toBe('<button data-for="b">like</button>');
  });

  it('refreshFragments reloads every connected element, rendering those whose entry is gone', async () => {
    let n = 0;
    define(name, () => `<p>${++n}</p>`);
    const a = mount(`<cache-fragment name="${name}" vary-on="a"></cache-fragment>`);
    const b = mount(`<section><cache-fragment name="${name}" vary-on="b"></cache-fragment></section>`).firstElementChild as HTMLElement;
    await settled(a, 'rendered');
    await settled(b, 'rendered');
    const before = [a.innerHTML, b.innerHTML].sort();
    expect(before).toEqual(['<p>1</p>', '<p>2</p>']);

    await getCache().delete(makeFragmentKey(name, ['a']));
    await refreshFragments();
    expect(a.dataset.state).toBe('rendered');
    expect(a.innerHTML).toBe('<p>3</p>');
    expect(b.dataset.state).toBe('restored');

    await getCache().delete(makeFragmentKey(name, ['b']));
    await refreshFragments(b.parentElement!);
    expect(b.innerHTML).toBe('<p>4</p>');
    await refreshFragments(b);
    expect(b.dataset.state).toBe('restored');
  });

  it('drops a result that arrives after the element was disconnected', async () => {
    let finish!: (html: string) => void;
    define(name, () => new Promise<string>((resolve) => (finish = resolve)));
    const element = mount(`<cache-fragment name="${name}">placeholder</cache-fragment>`);
    await vi.waitFor(() => expect(finish).toBeTypeOf('function'));
    element.remove();
    finish('<p>late</p>');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(element.textContent).toBe('placeholder');
    expect(await getCache().get(makeFragmentKey(name))).toBe('<p>late</p>');
  });

  it('defineFragment rejects bad arguments with a TypeError; unregistering stops new renders', async () => {
    expect(() => defineFragment('', () => 'x')).toThrow(/name must be a non-empty string/);
    expect(() => defineFragment('x', 'x' as never)).toThrow(/render must be a function/);
    expect(() => defineFragment('x', () => 'x', { onRestored: () => {} } as never)).toThrow(/unknown option 'onRestored'; accepted: onRestore/);
    expect(() => defineFragment('x', () => 'x', { onRestore: 1 as never })).toThrow(/onRestore must be a function/);

    const unregister = defineFragment(name, () => '<p>x</p>');
    unregister();
    const element = mount(`<cache-fragment name="${name}">placeholder</cache-fragment>`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(element.textContent).toBe('placeholder');
  });
});
