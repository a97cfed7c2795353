import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, createElement, StrictMode } from 'react';
import { defineCaches, getCache, invalidate } from '../../src/index.js';
import { useCached, type CachedResult, type UseCachedOptions } from '../../src/react/index.js';
import { deferred, mount, settle, unmountAll, waitFor } from './render.js';

let unique = 0;
let key: string;

beforeEach(() => {
  unique += 1;
  key = `react-key-${unique}`;
  defineCaches({
    default: { backend: 'memory', location: `react-${unique}` },
    other: { backend: 'memory', location: `react-other-${unique}` },
  });
});
afterEach(async () => {
  await unmountAll();
  await getCache().clear();
  await getCache('other').clear();
});

/** Every result the hook returned, render by render. */
function probe<T>(): { renders: CachedResult<T>[]; last: () => CachedResult<T>; Probe: (props: ProbeProps<T>) => null } {
  const renders: CachedResult<T>[] = [];
  function Probe({ k, load, options }: ProbeProps<T>): null {
    renders.push(useCached(k, load, options));
    return null;
  }
  return { renders, last: () => renders[renders.length - 1]!, Probe };
}
interface ProbeProps<T> {
  k: string;
  load: () => T | Promise<T>;
  options?: UseCachedOptions;
}

/** A load that returns 'v1', 'v2', ... */
function counting(prefix = 'v') {
  let n = 0;
  return vi.fn(async () => `${prefix}${++n}`);
}

describe('useCached', () => {
  it('starts loading, then shows the value it loaded and stored through getOrSet', async () => {
    const { renders, last, Probe } = probe<string>();
    const load = counting();
    await mount(createElement(Probe, { k: key, load, options: { timeout: 60 } }));
    expect(renders[0]).toMatchObject({ status: 'loading', data: undefined, error: undefined });
    await waitFor(() => expect(last()).toMatchObject({ status: 'success', data: 'v1', isFetching: false }));
    expect(load).toHaveBeenCalledTimes(1);
    expect(await getCache().get(key)).toBe('v1');
  });

  it('shows a value already cached without calling load', async () => {
    await getCache().set(key, { n: 7 });
    const { last, Probe } = probe<{ n: number }>();
    const load = vi.fn(() => ({ n: 0 }));
    await mount(createElement(Probe, { k: key, load }));
    await waitFor(() => expect(last()).toMatchObject({ status: 'success', data: { n: 7 } }));
    expect(load).not.toHaveBeenCalled();
  });

  it('reads again when an invalidation names its key, keeping the old value on screen meanwhile', async () => {
    const { renders, last, Probe } = probe<string>();
    const load = counting();
    await mount(createElement(Probe, { k: key, load }));
    await waitFor(() => expect(last().data).toBe('v1'));
    const before = renders.length;
    await act(() => invalidate({ keys: [key] }));
    await waitFor(() => expect(last()).toMatchObject({ status: 'success', data: 'v2', isFetching: false }));
    expect(load).toHaveBeenCalledTimes(2);
    const during = renders.slice(before, -1);
    expect(during.length).toBeGreaterThan(0);
    for (const r of during) expect(r).toMatchObject({ status: 'success', data: 'v1', isFetching: true });
  });

  it('reads again for one of its tags (stored with the value), a prefix, its alias and all', async () => {
    const { last, Probe } = probe<string>();
    const load = counting();
    await mount(createElement(Probe, { k: key, load, options: { tags: ['authors', 'books'] } }));
    await waitFor(() => expect(last().data).toBe('v1'));
    await act(() => invalidate({ tags: ['books'] }));
    await waitFor(() => expect(last().data).toBe('v2'));
    await act(() => invalidate({ prefix: 'react-key-' }));
    await waitFor(() => expect(last().data).toBe('v3'));
    await act(() => invalidate({ cache: 'default', all: true }));
    await waitFor(() => expect(last().data).toBe('v4'));
    await act(() => invalidate({ all: true }));
    await waitFor(() => expect(last().data).toBe('v5'));
  });

  it('ignores invalidations that do not concern it', async () => {
    const { renders, last, Probe } = probe<string>();
    const load = counting();
    await mount(createElement(Probe, { k: key, load, options: { tags: ['authors'] } }));
    await waitFor(() => expect(last().data).toBe('v1'));
    const before = renders.length;
    await act(() => invalidate({ keys: [`${key}-other`] }));
    await act(() => invalidate({ tags: ['books'] }));
    await act(() => invalidate({ prefix: `${key}-` }));
    await act(() => invalidate({ cache: 'other', keys: [key] }));
    await act(() => invalidate({ cache: 'other', all: true }));
    await act(() => invalidate({ routes: ['/api/authors/:id'] }));
    await settle();
    expect(load).toHaveBeenCalledTimes(1);
    expect(renders.length).toBe(before);
    expect(await getCache().get(key)).toBe('v1');
  });

  it('on a key change shows no value of the old key, and drops the old key’s late result', async () => {
    const { renders, last, Probe } = probe<string>();
    const slowA = deferred<string>();
    const m = await mount(createElement(Probe, { k: `${key}-a`, load: () => slowA.promise }));
    expect(last().status).toBe('loading');
    await m.render(createElement(Probe, { k: `${key}-b`, load: async () => 'B' }));
    await waitFor(() => expect(last()).toMatchObject({ status: 'success', data: 'B' }));
    slowA.resolve('A');
    await settle();
    expect(last()).toMatchObject({ status: 'success', data: 'B' });
    expect(renders.some((r) => r.data === 'A')).toBe(false);

    // From a shown value to a new key: the first render for the new key has no data.
    const from = renders.length;
    const slowC = deferred<string>();
    await m.render(createElement(Probe, { k: `${key}-c`, load: () => slowC.promise }));
    expect(renders[from]).toMatchObject({ status: 'loading', data: undefined });
    expect(renders.slice(from).every((r) => r.data === undefined)).toBe(true);
    slowC.resolve('C');
    await waitFor(() => expect(last().data).toBe('C'));
  });

  it('reports a failing load as status error, then recovers on refresh', async () => {
    const { last, Probe } = probe<string>();
    const boom = new Error('the API is down');
    let fail = true;
    const load = vi.fn(async () => {
      if (fail) throw boom;
      return 'ok';
    });
    await mount(createElement(Probe, { k: key, load }));
    await waitFor(() => expect(last()).toMatchObject({ status: 'error', error: boom, data: undefined, isFetching: false }));
    expect(await getCache().has(key)).toBe(false);
    fail = false;
    await act(() => last().refresh());
    await waitFor(() => expect(last()).toMatchObject({ status: 'success', data: 'ok', error: undefined }));
  });

  it('reports an unknown alias as an error naming it', async () => {
    const { last, Probe } = probe<string>();
    await mount(createElement(Probe, { k: key, load: () => 'x', options: { cache: 'nope' } }));
    await waitFor(() => expect(last().status).toBe('error'));
    expect(String(last().error)).toMatch(/nope/);
  });

  it('refresh() invalidates the key everywhere: every component showing it reads again', async () => {
    const a = probe<string>();
    const b = probe<string>();
    const load = counting();
    await mount(createElement('div', null, createElement(a.Probe, { k: key, load }), createElement(b.Probe, { k: key, load })));
    await waitFor(() => expect(b.last().data).toBe('v1'));
    expect(load).toHaveBeenCalledTimes(1); // getOrSet computes once for both
    await act(() => a.last().refresh());
    await waitFor(() => expect(b.last().data).toBe('v2'));
    expect(a.last().data).toBe('v2');
  });

  it('an invalidation during a load reads again once it settles, never keeping the value loaded before', async () => {
    const { last, Probe } = probe<string>();
    const first = deferred<string>();
    let calls = 0;
    const load = vi.fn(() => (++calls === 1 ? first.promise : Promise.resolve('fresh')));
    await mount(createElement(Probe, { k: key, load }));
    await settle();
    await act(() => invalidate({ keys: [key] }));
    first.resolve('stale');
    await waitFor(() => expect(last()).toMatchObject({ status: 'success', data: 'fresh' }));
    expect(await getCache().get(key)).toBe('fresh');
  });

  it('enabled: false reads nothing until enabled', async () => {
    const { last, Probe } = probe<string>();
    const load = counting();
    const m = await mount(createElement(Probe, { k: key, load, options: { enabled: false } }));
    await settle();
    expect(last()).toMatchObject({ status: 'loading', isFetching: false });
    expect(load).not.toHaveBeenCalled();
    await m.render(createElement(Probe, { k: key, load, options: { enabled: true } }));
    await waitFor(() => expect(last().data).toBe('v1'));
  });

  it('stops listening on unmount', async () => {
    const { last, Probe } = probe<string>();
    const load = counting();
    const m = await mount(createElement(Probe, { k: key, load }));
    await waitFor(() => expect(last().data).toBe('v1'));
    await m.unmount();
    await act(() => invalidate({ keys: [key] }));
    await settle();
    expect(load).toHaveBeenCalledTimes(1);
    expect(await getCache().has(key)).toBe(false);
  });

  it('loads once under StrictMode, and still re-reads on invalidation', async () => {
    const { last, Probe } = probe<string>();
    const load = counting();
    await mount(createElement(StrictMode, null, createElement(Probe, { k: key, load })));
    await waitFor(() => expect(last().data).toBe('v1'));
    expect(load).toHaveBeenCalledTimes(1);
    await act(() => invalidate({ keys: [key] }));
    await waitFor(() => expect(last().data).toBe('v2'));
  });
});
