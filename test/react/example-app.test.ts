// The README's React example (example-app.ts), run as a user would use it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, createElement } from 'react';
import { defineCaches, getCache } from '../../src/index.js';
import { App, type Api, type Author } from './example-app.js';
import { mount, unmountAll, waitFor } from './render.js';

let unique = 0;
beforeEach(() => {
  unique += 1;
  defineCaches({ default: { backend: 'memory', location: `react-example-${unique}` } });
});
afterEach(async () => {
  await unmountAll();
  await getCache().clear();
});

function fakeApi(): Api & { calls: { authors: number } } {
  const authors: Author[] = [{ id: 1, name: 'Alice' }, { id: 2, name: 'Bob' }];
  const calls = { authors: 0 };
  return {
    calls,
    authors: async () => {
      calls.authors += 1;
      return authors.map((a) => ({ ...a }));
    },
    rename: async (id, name) => {
      const author = authors.find((a) => a.id === id);
      if (author) author.name = name;
    },
  };
}

describe('the README’s React example', () => {
  it('lists the authors once for two mounts, re-reads after a rename, and hosts the sidebar fragment', async () => {
    const api = fakeApi();
    const onNavigate = vi.fn();
    const first = await mount(createElement(App, { api, user: 'alice', onNavigate }));
    await waitFor(() => expect(first.container.querySelector('ul')?.textContent).toBe('AliceBob'));
    const second = await mount(createElement(App, { api, user: 'alice', onNavigate }));
    await waitFor(() => expect(second.container.querySelector('ul')?.textContent).toBe('AliceBob'));
    expect(api.calls.authors).toBe(1);
    await waitFor(() => expect(second.container.querySelector('aside')?.dataset.state).toBe('restored'));

    const button = first.container.querySelector('button');
    await act(async () => button?.click());
    await waitFor(() => expect(second.container.querySelector('ul')?.textContent).toBe('Alice B.Bob'));
    expect(first.container.querySelector('ul')?.textContent).toBe('Alice B.Bob');
    expect(api.calls.authors).toBe(2);

    const link = second.container.querySelector('aside a') as HTMLElement;
    expect(link.outerHTML).toBe('<a href="/drafts">Drafts</a>');
    await act(async () => link.click());
    expect(onNavigate).toHaveBeenCalledWith('/drafts');
  });
});
