/**
 * The README's React example, compiled and run by the tests (example-app.test.ts). It is
 * written with createElement because the repository's tsconfig has no `jsx` setting; the
 * README shows the same app in JSX. An app imports 'cachette' and 'cachette/react' where
 * this file imports ../../src.
 *
 * - `useCached` reads the authors through the `default` cache (one fetch for every
 *   component, tab and reload within 10 minutes), tagged `authors`.
 * - Saving an author calls `invalidate({ tags: ['authors'] })`: every component showing
 *   something tagged `authors`, in every tab, reads again.
 * - `CachedFragment` hosts the `{% cache 500 sidebar user %}`-style sidebar: static HTML,
 *   so its click is handled by delegation on the React parent.
 */
import { createElement as h, useState, type MouseEvent, type ReactElement } from 'react';
import { invalidate } from '../../src/index.js';
import { CachedFragment, useCached } from '../../src/react/index.js';

export interface Author {
  id: number;
  name: string;
}

/** The app's API, injected so the tests count calls (an app calls fetch). */
export interface Api {
  authors(): Promise<Author[]>;
  rename(id: number, name: string): Promise<void>;
}

/** The authors list: cached 10 minutes, re-read when anything invalidates `authors`. */
export function Authors({ api }: { api: Api }): ReactElement {
  const { data, status, error, isFetching, refresh } = useCached('authors', () => api.authors(), { timeout: 600, tags: ['authors'] });
  if (status === 'loading') return h('p', null, 'Loading…');
  if (status === 'error') return h('p', { role: 'alert' }, `Could not load authors: ${String(error)}`, h('button', { onClick: () => void refresh() }, 'Retry'));
  return h(
    'ul',
    { 'aria-busy': isFetching },
    data?.map((a) => h('li', { key: a.id }, a.name)),
  );
}

/** Renames the first author, then invalidates everything tagged `authors`. */
export function RenameButton({ api }: { api: Api }): ReactElement {
  const [saving, setSaving] = useState(false);
  const onClick = async (): Promise<void> => {
    setSaving(true);
    try {
      await api.rename(1, 'Alice B.');
      await invalidate({ tags: ['authors'] });
    } finally {
      setSaving(false);
    }
  };
  return h('button', { disabled: saving, onClick: () => void onClick() }, 'Rename Alice');
}

/** The sidebar, a cached HTML fragment per user; its links are handled by the parent. */
export function Sidebar({ user, onNavigate }: { user: string; onNavigate: (href: string) => void }): ReactElement {
  // Delegation: the fragment's HTML carries no React handlers, so the parent catches the click.
  const onClick = (event: MouseEvent<HTMLElement>): void => {
    const link = (event.target as Element).closest('a');
    if (!link) return;
    event.preventDefault();
    onNavigate(link.getAttribute('href') ?? '/');
  };
  return h(
    'nav',
    { onClick },
    h(CachedFragment, {
      name: 'sidebar',
      timeout: 500,
      varyOn: [user],
      as: 'aside',
      render: () => `<h2>${escapeHtml(user)}</h2><a href="/drafts">Drafts</a>`,
    }),
  );
}

/** The whole page. */
export function App({ api, user, onNavigate }: { api: Api; user: string; onNavigate: (href: string) => void }): ReactElement {
  return h('main', null, h(Sidebar, { user, onNavigate }), h(Authors, { api }), h(RenameButton, { api }));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
