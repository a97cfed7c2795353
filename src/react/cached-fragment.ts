/**
 * `CachedFragment`: a `{% cache %}` fragment (`cacheFragment` from 'cachette/page') hosted in
 * a React tree. React renders an empty container; the fragment's DOM goes inside it, and is
 * loaded again when an invalidation names the fragment.
 */
import { createElement, useEffect, useInsertionEffect, useRef, useState, type ReactElement } from 'react';
import { getCache } from '../caches.js';
import type { Timeout } from '../core/cache.js';
import { varyTag } from '../core/entry-vocabulary.js';
import { makeFragmentKey } from '../core/fragment-key.js';
import { reportError } from '../core/report.js';
import { onInvalidate } from '../invalidate-on-demand.js';
import { loadFragment, type FragmentOptions, type FragmentRender, type FragmentSource } from '../page/cache-fragment.js';
import { invalidationConcerns } from './invalidation-concerns.js';

/** Props of `CachedFragment`: `cacheFragment`'s arguments, and the container's. */
export interface CachedFragmentProps extends FragmentOptions {
  /** The fragment's name, as the `{% cache %}` tag's. */
  name: string;
  /** Seconds the fragment is kept (`null`: never expires, `undefined`: the alias's default). */
  timeout: Timeout;
  /** Renders the fragment on a miss: a Node or an HTML string, possibly async. Not a React element. */
  render: FragmentRender;
  /** The container's tag name. Default `'div'`. */
  as?: string;
  /** The container's class. */
  className?: string;
  /** Called with what loading the fragment threw; without it the error goes to `onCacheError` listeners (or the console). */
  onError?: (error: unknown) => void;
}

/** What the container's `data-state` shows: the fragment's source, or why there is none yet. */
export type CachedFragmentState = 'loading' | FragmentSource | 'error';

const NONE: readonly never[] = [];

/**
 * Renders `<div data-state="...">` (or `as`) holding the fragment `name` for `varyOn`, as
 * `cacheFragment(name, timeout, render, { varyOn, using, tags, onRestore })` returns it, and
 * loads it again when `invalidate` names its key, a prefix of it
 * (`'template.cache.' + name + '.'`), one of its tags (a vary-on value's `varyTag` included),
 * its alias or everything.
 *
 * Limits: the fragment is static DOM, outside React. React components, hooks and JSX event
 * handlers (`onClick`) cannot live inside it; listeners attached by `render` are lost once
 * the fragment comes from the cache. Use event delegation on a parent (`onClick` on an
 * ancestor, reading `event.target`) or `onRestore`. `render` returns DOM or HTML, not JSX.
 * The container's children belong to the fragment: give it no React children.
 * @example
 * <CachedFragment name="sidebar" timeout={500} varyOn={[user.name]} render={() => renderSidebarHtml(user)} as="aside" />
 */
export function CachedFragment(props: CachedFragmentProps): ReactElement {
  const { name, timeout, render, varyOn = NONE, using = 'default', tags = NONE, onRestore, as = 'div', className, onError } = props;
  const container = useRef<HTMLElement | null>(null);
  const latest = useRef({ render, onRestore, onError });
  useInsertionEffect(() => {
    latest.current = { render, onRestore, onError };
  });
  const [state, setState] = useState<CachedFragmentState>('loading');
  const key = fragmentKey(name, varyOn);
  const tagsKey = JSON.stringify(tags);

  useEffect(() => {
    let active = true;
    let loading = false;
    let invalidatedWhileLoading = false;
    // Another fragment (another name or vary-on value) never shows while this one loads.
    container.current?.replaceChildren();
    setState('loading');
    const shown = { alias: using, key: key ?? '', tags: [...tags, ...varyOn.map(varyTag)] };
    const settle = (show: () => void): void => {
      loading = false;
      if (!active) return;
      if (invalidatedWhileLoading) {
        // The load began before the invalidation (a joined render included): what it stored
        // is stale. Drop it and load again; the current fragment stays until then.
        invalidatedWhileLoading = false;
        Promise.resolve()
          .then(() => getCache(using).delete(shown.key))
          .then(load, load);
        return;
      }
      show();
    };
    const load = (): void => {
      if (loading) {
        invalidatedWhileLoading = true;
        return;
      }
      loading = true;
      const options: FragmentOptions = { varyOn, using, tags };
      if (latest.current.onRestore) options.onRestore = (fragment) => latest.current.onRestore?.(fragment);
      loadFragment(name, timeout, () => latest.current.render(), options).then(
        ({ fragment, source }) =>
          settle(() => {
            container.current?.replaceChildren(fragment);
            setState(source);
          }),
        (error: unknown) =>
          settle(() => {
            setState('error');
            if (latest.current.onError) latest.current.onError(error);
            else reportError(error, `the CachedFragment '${name}'`);
          }),
      );
    };
    load();
    const stop = key === undefined ? () => {} : onInvalidate((target) => {
      if (invalidationConcerns(target, shown)) load();
    });
    return () => {
      active = false;
      stop();
    };
    // varyOn and tags by value (through key and tagsKey): literal arrays are new on every render.
  }, [name, timeout, key, using, tagsKey]);

  const attributes: Record<string, unknown> = { ref: container, 'data-state': state };
  if (className !== undefined) attributes.className = className;
  return createElement(as, attributes);
}

/** The fragment's key, or `undefined` for vary-on values `makeFragmentKey` refuses (`loadFragment` then reports them). */
function fragmentKey(name: string, varyOn: readonly unknown[]): string | undefined {
  try {
    return makeFragmentKey(name, varyOn);
  } catch {
    return undefined;
  }
}
