/**
 * Django's `{% cache %}` tag for DOM rendered in the page: a fragment's HTML is kept in a
 * cache alias under Django's fragment key, and later calls restore it instead of rendering.
 */
import { getCache } from '../caches.js';
import type { Cache, Timeout } from '../core/cache.js';
import { makeFragmentKey } from '../core/fragment-key.js';
import { checkTimeout, describe } from '../core/options.js';
import { reportError } from '../core/report.js';
import { varyTag } from '../core/entry-vocabulary.js';
import { isFragmentContent, parseFragment, serializeFragment, toFragment, type FragmentContent } from './fragment-html.js';

/** Renders a fragment on a miss: a Node (an Element, Text, a DocumentFragment) or an HTML string, possibly async. */
export type FragmentRender = () => FragmentContent | Promise<FragmentContent>;

/** Options of `cacheFragment`. */
export interface FragmentOptions {
  /** The values the fragment varies on, as the `{% cache %}` tag's extra arguments (e.g. the user name). Default `[]`. */
  varyOn?: readonly unknown[];
  /** The cache alias, as the tag's `using="..."`. Default `'default'`. */
  using?: string;
  /** Tags stored with the fragment, for `invalidate({ tags })`; one `varyTag(value)` per vary-on value is added. */
  tags?: readonly string[];
  /**
   * Called with every fragment parsed from stored HTML (a cache hit, or a caller that joined
   * another caller's render) before it is returned, to re-attach what HTML cannot carry:
   * event listeners, element state. Errors it throws are reported, never thrown.
   */
  onRestore?: (fragment: DocumentFragment) => void;
}

/** Where a fragment came from: the cache (or another caller's render), or this call's own render. */
export type FragmentSource = 'restored' | 'rendered';

/** A loaded fragment and where it came from (what `<cache-fragment>` shows in `data-state`). */
export interface LoadedFragment {
  fragment: DocumentFragment;
  source: FragmentSource;
}

const OPTION_NAMES = ['varyOn', 'using', 'tags', 'onRestore'];

/** Renders in progress, per cache instance and fragment key: concurrent callers share one render. */
const inFlight = new WeakMap<Cache, Map<string, Promise<string>>>();

/**
 * The fragment `name` for `varyOn`, as Django's `{% cache timeout name ...varyOn %}`: the
 * HTML stored under `makeFragmentKey(name, varyOn)` in the `using` cache, parsed into a
 * fresh DocumentFragment (its scripts stay inert), else `render()`'s result, stored for
 * `timeout` seconds (`null`: never expires, `undefined`: the cache's default) and returned.
 *
 * - The call that renders returns the rendered nodes themselves, so listeners attached by
 *   `render` work the first time. Event listeners do not survive serialization: a restored
 *   fragment has none. Use event delegation on a parent, or `onRestore` to re-attach them.
 * - Elements with `data-cache-skip` (transient UI: a flash message, a focus ring) are shown
 *   by the rendering call but never stored, with their subtrees.
 * - Concurrent calls for one fragment render once; the others get a fresh parse of its HTML.
 *   A render that throws stores nothing, rejects every waiting call, and the next call
 *   renders again.
 * - A failing cache (quota, a closed database) never breaks the page: the fragment is
 *   rendered and returned, and the error goes to `onCacheError` listeners (or the console).
 *   Bad arguments (a bad timeout, an unknown alias, a vary-on value with no Django
 *   counterpart) reject with a TypeError.
 * - Each vary-on value adds the tag `varyTag(value)` (`'cachette:vary:' + String(value)`), so
 *   `invalidate({ tags: [varyTag(user)] })` (or `invalidateSession(user)`) drops every
 *   fragment of that user; `invalidate({ prefix: 'template.cache.' + name + '.' })`
 *   drops every variant of one fragment.
 * @example
 * import { cacheFragment } from 'cachette/page';
 * const sidebar = await cacheFragment('sidebar', 500, () => renderSidebar(user), { varyOn: [user.username] });
 * document.querySelector('aside')!.replaceChildren(sidebar);
 */
export async function cacheFragment(
  name: string,
  timeout: Timeout,
  render: FragmentRender,
  options?: FragmentOptions,
): Promise<DocumentFragment> {
  return (await loadFragment(name, timeout, render, options)).fragment;
}

/**
 * `cacheFragment`, also telling where the fragment came from (`<cache-fragment>` shows it in `data-state`).
 * @example const { fragment, source } = await loadFragment('sidebar', 500, render); // source: 'restored' or 'rendered'
 */
export async function loadFragment(
  name: string,
  timeout: Timeout,
  render: FragmentRender,
  options: FragmentOptions = {},
): Promise<LoadedFragment> {
  const { varyOn, using, tags, onRestore } = checkArguments(name, timeout, render, options);
  const key = makeFragmentKey(name, varyOn);
  const cache = getCache(using);
  const flights = flightsOf(cache);

  const joined = flights.get(key);
  if (joined) return restored(await joined, name, onRestore);

  let own: DocumentFragment | undefined;
  const flight = (async (): Promise<string> => {
    const { html, readFailed } = await read(cache, key, name);
    if (html !== undefined) return html;
    const content: unknown = await render();
    if (!isFragmentContent(content)) {
      throw new TypeError(
        `cachette: the render of fragment '${name}' must return a Node (an Element, Text or DocumentFragment) or an HTML string, got ${describe(content)}`,
      );
    }
    // Serialize before handing the nodes out: once inserted, a DocumentFragment is empty.
    const rendered = serializeFragment(content);
    own = toFragment(content);
    // After a failed read the store is likely broken: render without waiting on a write.
    if (!readFailed) await write(cache, key, rendered, timeout, [...tags, ...varyOn.map(varyTag)], name);
    return rendered;
  })();
  flights.set(key, flight);
  let html: string;
  try {
    html = await flight;
  } finally {
    if (flights.get(key) === flight) flights.delete(key);
  }
  return own ? { fragment: own, source: 'rendered' } : restored(html, name, onRestore);
}

interface CheckedOptions {
  varyOn: readonly unknown[];
  using: string;
  tags: readonly string[];
  onRestore: ((fragment: DocumentFragment) => void) | undefined;
}

function checkArguments(name: unknown, timeout: unknown, render: unknown, options: unknown): CheckedOptions {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`cachette: cacheFragment: the fragment name must be a non-empty string, got ${describe(name)}`);
  }
  if (timeout !== undefined) checkTimeout(timeout, `cacheFragment: the timeout of fragment '${name}'`);
  if (typeof render !== 'function') {
    throw new TypeError(
      `cachette: cacheFragment: render must be a function returning a Node or an HTML string (possibly async), got ${describe(render)}`,
    );
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`cachette: cacheFragment: options must be an object like { varyOn: [user] }, got ${describe(options)}`);
  }
  const o = options as Record<string, unknown>;
  for (const option of Object.keys(o)) {
    if (!OPTION_NAMES.includes(option)) {
      throw new TypeError(`cachette: cacheFragment: unknown option '${option}'; accepted: ${OPTION_NAMES.join(', ')}`);
    }
  }
  const { varyOn = [], using = 'default', tags = [], onRestore } = o;
  if (!Array.isArray(varyOn)) {
    throw new TypeError(`cachette: cacheFragment: varyOn must be an array of values (e.g. [user.username]), got ${describe(varyOn)}`);
  }
  if (typeof using !== 'string') {
    throw new TypeError(`cachette: cacheFragment: using must be a cache alias (a string), got ${describe(using)}`);
  }
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string')) {
    throw new TypeError(`cachette: cacheFragment: tags must be an array of strings, got ${describe(tags)}`);
  }
  if (onRestore !== undefined && typeof onRestore !== 'function') {
    throw new TypeError(`cachette: cacheFragment: onRestore must be a function (fragment) => void, got ${describe(onRestore)}`);
  }
  return { varyOn, using, tags: tags as string[], onRestore: onRestore as CheckedOptions['onRestore'] };
}

function flightsOf(cache: Cache): Map<string, Promise<string>> {
  let flights = inFlight.get(cache);
  if (!flights) inFlight.set(cache, (flights = new Map()));
  return flights;
}

/** The stored HTML (a value that is not a string is foreign or corrupt: a miss). */
async function read(cache: Cache, key: string, name: string): Promise<{ html?: string; readFailed: boolean }> {
  try {
    const value = await cache.get(key);
    return { html: typeof value === 'string' ? value : undefined, readFailed: false };
  } catch (error) {
    if (error instanceof TypeError) throw error;
    reportError(error, `reading fragment '${name}' from cache '${cache.alias}'`);
    return { readFailed: true };
  }
}

async function write(cache: Cache, key: string, html: string, timeout: Timeout, tags: string[], name: string): Promise<void> {
  try {
    await cache.set(key, html, timeout, { tags });
  } catch (error) {
    if (error instanceof TypeError) throw error;
    reportError(error, `storing fragment '${name}' in cache '${cache.alias}'`);
  }
}

function restored(html: string, name: string, onRestore: CheckedOptions['onRestore']): LoadedFragment {
  const fragment = parseFragment(html);
  if (onRestore) {
    try {
      onRestore(fragment);
    } catch (error) {
      reportError(error, `the onRestore hook of fragment '${name}'`);
    }
  }
  return { fragment, source: 'restored' };
}
