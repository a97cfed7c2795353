import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, createElement } from 'react';
import { defineCaches, getCache, invalidate, makeFragmentKey, onCacheError, varyTag, type ReportedError } from '../../src/index.js';
import { CachedFragment, type CachedFragmentProps } from '../../src/react/index.js';
import { mount, settle, unmountAll, waitFor } from './render.js';

let unique = 0;
let name: string;
let reports: ReportedError[];
let stopReports: () => void;

beforeEach(() => {
  unique += 1;
  name = `react_fragment_${unique}`;
  defineCaches({ default: { backend: 'memory', location: `react-frag-${unique}` } });
  reports = [];
  stopReports = onCacheError((report) => reports.push(report));
});
afterEach(async () => {
  stopReports();
  await unmountAll();
  await getCache().clear();
});

function fragment(props: CachedFragmentProps) {
  return createElement(CachedFragment, props);
}
function host(m: { container: HTMLElement }): HTMLElement {
  return m.container.firstElementChild as HTMLElement;
}

describe('CachedFragment', () => {
  it('renders the fragment into its container, stores it, and restores it in a later mount', async () => {
    const render = vi.fn(() => '<p>top author: alice</p>');
    const first = await mount(fragment({ name, timeout: 500, render, as: 'aside', className: 'top' }));
    await waitFor(() => expect(host(first).dataset.state).toBe('rendered'));
    expect(host(first).outerHTML).toBe('<aside data-state="rendered" class="top"><p>top author: alice</p></aside>');
    expect(await getCache().get(makeFragmentKey(name))).toBe('<p>top author: alice</p>');

    const second = await mount(fragment({ name, timeout: 500, render }));
    await waitFor(() => expect(host(second).dataset.state).toBe('restored'));
    expect(host(second).innerHTML).toBe('<p>top author: alice</p>');
    expect(render).toHaveBeenCalledTimes(1);
  });

  it('renders again when an invalidation drops it (its prefix, a vary-on value’s tag, its own tag)', async () => {
    let n = 0;
    const render = vi.fn(() => `<p>${++n}</p>`);
    const m = await mount(fragment({ name, timeout: 500, render, varyOn: ['alice'], tags: ['authors'] }));
    await waitFor(() => expect(host(m).innerHTML).toBe('<p>1</p>'));
    await act(() => invalidate({ prefix: `template.cache.${name}.` }));
    await waitFor(() => expect(host(m).innerHTML).toBe('<p>2</p>'));
    await act(() => invalidate({ tags: [varyTag('alice')] }));
    await waitFor(() => expect(host(m).innerHTML).toBe('<p>3</p>'));
    await act(() => invalidate({ tags: ['authors'] }));
    await waitFor(() => expect(host(m).innerHTML).toBe('<p>4</p>'));
  });

  it('ignores invalidations that do not concern it', async () => {
    const render = vi.fn(() => '<p>kept</p>');
    const m = await mount(fragment({ name, timeout: 500, render, varyOn: ['alice'] }));
    await waitFor(() => expect(host(m).dataset.state).toBe('rendered'));
    await act(() => invalidate({ tags: [varyTag('bob')] }));
    await act(() => invalidate({ prefix: `template.cache.${name}_other.` }));
    await act(() => invalidate({ keys: ['unrelated'] }));
    await settle();
    expect(render).toHaveBeenCalledTimes(1);
    expect(host(m).innerHTML).toBe('<p>kept</p>');
  });

  it('on a vary-on change never shows the previous variant while the next one loads', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const m = await mount(fragment({ name, timeout: 500, render: () => '<p>alice</p>', varyOn: ['alice'] }));
    await waitFor(() => expect(host(m).innerHTML).toBe('<p>alice</p>'));
    await m.render(fragment({ name, timeout: 500, render: async () => (await gate, '<p>bob</p>'), varyOn: ['bob'] }));
    expect(host(m).innerHTML).toBe('');
    expect(host(m).dataset.state).toBe('loading');
    release();
    await waitFor(() => expect(host(m).innerHTML).toBe('<p>bob</p>'));
  });

  it('shows data-state="error" and calls onError when the render throws; reports it without onError', async () => {
    const boom = new Error('render failed');
    const onError = vi.fn();
    const m = await mount(fragment({ name, timeout: 500, render: () => { throw boom; }, onError }));
    await waitFor(() => expect(host(m).dataset.state).toBe('error'));
    expect(onError).toHaveBeenCalledWith(boom);

    const quiet = await mount(fragment({ name: `${name}_b`, timeout: 500, render: () => { throw boom; } }));
    await waitFor(() => expect(host(quiet).dataset.state).toBe('error'));
    expect(reports.map((r) => r.error)).toContain(boom);
  });

  it('an invalidation during a render loads again once it settles, never keeping the fragment rendered before', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let n = 0;
    const render = vi.fn(async () => (++n === 1 ? (await gate, '<p>stale</p>') : '<p>fresh</p>'));
    const m = await mount(fragment({ name, timeout: 500, render }));
    await settle();
    await act(() => invalidate({ prefix: `template.cache.${name}.` }));
    release();
    await waitFor(() => expect(host(m).innerHTML).toBe('<p>fresh</p>'));
    expect(await getCache().get(makeFragmentKey(name))).toBe('<p>fresh</p>');
    expect(render).toHaveBeenCalledTimes(2);
  });

  it('stops listening on unmount', async () => {
    const render = vi.fn(() => '<p>x</p>');
    const m = await mount(fragment({ name, timeout: 500, render }));
    await waitFor(() => expect(host(m).dataset.state).toBe('rendered'));
    await m.unmount();
    await act(() => invalidate({ prefix: `template.cache.${name}.` }));
    await settle();
    expect(render).toHaveBeenCalledTimes(1);
  });
});
