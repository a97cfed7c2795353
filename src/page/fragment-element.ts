/**
 * `<cache-fragment>`: `cacheFragment` for markup-driven pages. The page's markup names the
 * fragment and what it varies on; the script registers how to render it.
 */
import type { Timeout } from '../core/cache.js';
import { describe } from '../core/options.js';
import { reportError } from '../core/report.js';
import { loadFragment } from './cache-fragment.js';
import type { FragmentContent } from './fragment-html.js';

/** Renders the fragment of a `<cache-fragment>` element on a miss. */
export type FragmentRenderer = (element: HTMLElement) => FragmentContent | Promise<FragmentContent>;

/** Options of `defineFragment`. */
export interface DefineFragmentOptions {
  /**
   * Called with every fragment restored from the cache, before it replaces the element's
   * children, to re-attach event listeners (they do not survive serialization).
   */
  onRestore?: (fragment: DocumentFragment, element: HTMLElement) => void;
}

interface Definition {
  render: FragmentRenderer;
  onRestore: DefineFragmentOptions['onRestore'];
}

const TAG_NAME = 'cache-fragment';
const definitions = new Map<string, Definition>();
/** Connected elements (strong references only while connected), to find those waiting for a renderer. */
const connected = new Set<CacheFragmentElement>();

interface CacheFragmentElement extends HTMLElement {
  /** Loads the fragment again; resolves once shown (or failed). */
  refresh(): Promise<void>;
  /** Whether it is waiting for `defineFragment` to register its renderer. */
  readonly waiting: boolean;
}

/**
 * Registers the renderer of the `<cache-fragment name="...">` elements with this name, and
 * defines the `cache-fragment` element on first use. Elements already in the page that were
 * waiting for it render now. Returns the function that unregisters it (rendered elements
 * keep their content). Registering a name again replaces its renderer.
 *
 * Attributes: `name`; `timeout` (seconds, `none`: never expires, absent: the cache's
 * default); `vary-on` (a JSON array if it starts with `[`, else one string value); `using`
 * (the cache alias); `tags` (whitespace-separated). On connect, and when `name`, `vary-on`
 * or `using` change, the element calls `cacheFragment(name, timeout, () => render(element),
 * ...)` and replaces its children with the result (its children until then are the
 * placeholder). `data-state` is `loading`, then `restored` or `rendered`, or `error` (the
 * error is reported to `onCacheError` and dispatched as a non-bubbling `error` CustomEvent
 * whose `detail` is the error).
 *
 * Event listeners do not survive serialization: listen on a parent (event delegation), or
 * re-attach them in `onRestore`.
 * @example
 * // <cache-fragment name="top_author" timeout="500" vary-on="alice" tags="authors">Loading…</cache-fragment>
 * defineFragment('top_author', async (element) => {
 *   const author = await fetchTopAuthor();
 *   const p = document.createElement('p');
 *   p.textContent = author.name;
 *   return p;
 * });
 */
export function defineFragment(name: string, render: FragmentRenderer, options: DefineFragmentOptions = {}): () => void {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`cachette: defineFragment: the fragment name must be a non-empty string, got ${describe(name)}`);
  }
  if (typeof render !== 'function') {
    throw new TypeError(
      `cachette: defineFragment: render must be a function (element) => Node or HTML string (possibly async), got ${describe(render)}`,
    );
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`cachette: defineFragment: options must be an object like { onRestore }, got ${describe(options)}`);
  }
  for (const option of Object.keys(options)) {
    if (option !== 'onRestore') throw new TypeError(`cachette: defineFragment: unknown option '${option}'; accepted: onRestore`);
  }
  const { onRestore } = options;
  if (onRestore !== undefined && typeof onRestore !== 'function') {
    throw new TypeError(`cachette: defineFragment: onRestore must be a function (fragment, element) => void, got ${describe(onRestore)}`);
  }
  const definition: Definition = { render, onRestore };
  definitions.set(name, definition);
  defineElement();
  for (const element of connected) {
    // Fire-and-forget: each element reports its own errors.
    if (element.waiting && element.getAttribute('name') === name) void element.refresh();
  }
  return () => {
    if (definitions.get(name) === definition) definitions.delete(name);
  };
}

/**
 * Loads every connected `<cache-fragment>` under `root` again (restored from the cache, or
 * rendered if its entry is gone): call it after an invalidation. Resolves once all are shown.
 * @example
 * await invalidate({ prefix: 'template.cache.top_author.' });
 * await refreshFragments();
 */
export async function refreshFragments(root: ParentNode = document): Promise<void> {
  const elements = Array.from(root.querySelectorAll(TAG_NAME));
  if (isFragmentElement(root)) elements.unshift(root);
  await Promise.all(elements.filter(isFragmentElement).filter((e) => e.isConnected).map((e) => e.refresh()));
}

function isFragmentElement(node: unknown): node is CacheFragmentElement {
  return typeof node === 'object' && node !== null && typeof (node as Partial<CacheFragmentElement>).refresh === 'function' &&
    (node as Element).localName === TAG_NAME;
}

/** Defines `cache-fragment` once per realm; the class is built here, since Node has no HTMLElement to extend at import time. */
function defineElement(): void {
  if (typeof customElements === 'undefined' || customElements.get(TAG_NAME)) return;

  class CacheFragment extends HTMLElement implements CacheFragmentElement {
    static observedAttributes = ['name', 'vary-on', 'using'];
    /** Bumped by every load and by disconnection: a result whose run is not current is dropped. */
    #run = 0;
    #scheduled = false;
    #waiting = false;
    #live = false;

    get waiting(): boolean {
      return this.#waiting;
    }

    connectedCallback(): void {
      this.#live = true;
      connected.add(this);
      this.#schedule();
    }

    disconnectedCallback(): void {
      this.#live = false;
      connected.delete(this);
      this.#run++;
      this.#waiting = false;
    }

    attributeChangedCallback(_name: string, oldValue: string | null, newValue: string | null): void {
      if (this.#live && oldValue !== newValue) this.#schedule();
    }

    refresh(): Promise<void> {
      return this.#load();
    }

    /** Coalesces attribute changes made together (and the upgrade's callbacks) into one load. */
    #schedule(): void {
      if (this.#scheduled) return;
      this.#scheduled = true;
      queueMicrotask(() => {
        this.#scheduled = false;
        if (this.#live) void this.#load(); // fire-and-forget: #load reports its own errors
      });
    }

    async #load(): Promise<void> {
      const run = ++this.#run;
      this.dataset.state = 'loading';
      const name = this.getAttribute('name') ?? '';
      let definition: Definition | undefined;
      try {
        if (name === '') throw new TypeError(`cachette: <${TAG_NAME}> needs a name attribute naming a fragment registered with defineFragment`);
        definition = definitions.get(name);
        this.#waiting = definition === undefined;
        if (!definition) return; // defineFragment(name) loads it
        const { render, onRestore } = definition;
        const loaded = await loadFragment(name, parseTimeout(this.getAttribute('timeout')), () => render(this), {
          varyOn: parseVaryOn(this.getAttribute('vary-on')),
          using: this.getAttribute('using') ?? 'default',
          tags: (this.getAttribute('tags') ?? '').split(/\s+/).filter(Boolean),
          onRestore: onRestore && ((fragment) => onRestore(fragment, this)),
        });
        if (run !== this.#run) return;
        this.replaceChildren(loaded.fragment);
        this.dataset.state = loaded.source;
      } catch (error) {
        if (run !== this.#run) return;
        this.dataset.state = 'error';
        reportError(error, `<${TAG_NAME} name="${name}">`);
        this.dispatchEvent(new CustomEvent('error', { detail: error }));
      }
    }
  }

  customElements.define(TAG_NAME, CacheFragment);
}

function parseTimeout(value: string | null): Timeout {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed === 'none') return null;
  const seconds = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(seconds)) {
    throw new TypeError(`cachette: <${TAG_NAME}> timeout must be a number of seconds or "none" (never expires), got '${value}'`);
  }
  return seconds;
}

function parseVaryOn(value: string | null): unknown[] {
  if (value === null) return [];
  if (!value.trimStart().startsWith('[')) return [value];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (cause) {
    throw new TypeError(`cachette: <${TAG_NAME}> vary-on starts with '[' but is not a JSON array: '${value}'`, { cause });
  }
  if (!Array.isArray(parsed)) throw new TypeError(`cachette: <${TAG_NAME}> vary-on must be a JSON array, got '${value}'`);
  return parsed;
}
