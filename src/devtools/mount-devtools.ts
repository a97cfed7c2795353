/**
 * The in-page devtools: a `<cachette-devtools>` element (open shadow root) with a floating
 * toggle and the panel, refreshed live while open: on a timer, after each action and on
 * every invalidation (this tab's, another tab's, the worker's).
 */
import { onInvalidate } from '../invalidations.js';
import { collectPanelData } from './collect-panel-data.js';
import { h } from './dom.js';
import type { PanelAction } from './panel-action.js';
import type { PanelError } from './panel-data.js';
import { PANEL_CSS } from './panel-style.js';
import { createPanelView } from './panel-view.js';
import { runPanelAction } from './run-panel-action.js';

/** Options of `mountDevtools`. */
export interface DevtoolsOptions {
  /** The corner of the toggle button; default `'bottom-right'`. */
  position?: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';
  /** Whether the panel starts open on the first visit (later, the last state is restored); default `false`. */
  open?: boolean;
  /** Default `'auto'` (follows the system's light or dark preference). */
  theme?: 'light' | 'dark' | 'auto';
  /** How often the open panel re-reads the caches, in ms; default 1000. */
  refreshMs?: number;
  /** Where the element goes; default `document.body`. */
  target?: HTMLElement;
}

/** The element's tag. */
export const DEVTOOLS_TAG = 'cachette-devtools';
/** Where the open state is kept between reloads. */
export const OPEN_KEY = 'cachette:devtools:open';

const POSITIONS = ['bottom-right', 'bottom-left', 'top-right', 'top-left'];
const THEMES = ['light', 'dark', 'auto'];
const MAX_PANEL_ERRORS = 10;
const ICON =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true">' +
  '<ellipse cx="12" cy="5.5" rx="7.5" ry="3"/><path d="M4.5 5.5v6c0 1.7 3.4 3 7.5 3s7.5-1.3 7.5-3v-6"/>' +
  '<path d="M4.5 11.5v6c0 1.7 3.4 3 7.5 3 1 0 2-.1 2.8-.2"/><path d="M18 15v3.2l2 1.3"/></svg>';

/**
 * Mounts the devtools panel in the page; returns the function that removes it (and stops
 * its timers and listeners). Mount it in development only, for example behind
 * `import.meta.env.DEV` with a dynamic import, so production bundles never load it.
 * @example
 * if (import.meta.env.DEV) {
 *   const { mountDevtools } = await import('cachette/devtools');
 *   mountDevtools({ position: 'bottom-left', theme: 'dark' });
 * }
 */
export function mountDevtools(options: DevtoolsOptions = {}): () => void {
  const { position = 'bottom-right', theme = 'auto', refreshMs = 1000 } = checkOptions(options);
  if (typeof document === 'undefined' || typeof customElements === 'undefined') {
    throw new Error('cachette: mountDevtools needs a page (document and customElements); call it in the browser');
  }
  const target = options.target ?? document.body;
  if (!target) {
    throw new TypeError('cachette: mountDevtools found no document.body yet; call it once the document has a body, or pass { target }');
  }
  defineElement();

  let open = readOpen() ?? options.open ?? false;
  let stopped = false;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let tickTimer: ReturnType<typeof setInterval> | undefined;
  let refreshing: Promise<void> | undefined;
  let again = false;
  const panelErrors: PanelError[] = [];

  const act = async (action: PanelAction): Promise<void> => {
    try {
      await runPanelAction(action);
    } catch (error) {
      panelErrors.push({ side: 'panel', context: describeAction(action), message: error instanceof Error ? error.message : String(error), time: Date.now() });
      if (panelErrors.length > MAX_PANEL_ERRORS) panelErrors.shift();
    }
    await refresh();
  };

  const host = document.createElement(DEVTOOLS_TAG);
  host.setAttribute('position', position);
  host.setAttribute('theme', theme);
  const shadow = host.attachShadow({ mode: 'open' });
  const view = createPanelView(document, { act, onClose: () => setOpen(false) });
  const frame = h(document, 'div', { class: 'frame', id: 'frame', hidden: !open }, view.element);
  const toggle = h(document, 'button', {
    type: 'button',
    class: 'toggle',
    'aria-label': 'Cachette devtools',
    'aria-controls': 'frame',
    'aria-expanded': String(open),
    title: 'Cachette devtools',
    onclick: () => setOpen(!open),
  });
  toggle.innerHTML = ICON; // a constant: no data reaches innerHTML
  frame.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    setOpen(false);
    toggle.focus();
  });
  shadow.append(h(document, 'style', null, PANEL_CSS), h(document, 'div', { class: 'dock' }, toggle, frame));

  function refresh(): Promise<void> {
    if (stopped || !open) return Promise.resolve();
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      try {
        do {
          again = false;
          const data = await collectPanelData({ panelErrors, workerTimeout: Math.max(1500, refreshMs) });
          if (!stopped && open) view.update(data);
        } while (again && !stopped && open);
      } catch (error) {
        // collectPanelData does not reject; a view bug must not stop the polling
        console.error('cachette devtools: refreshing the panel failed', error);
      } finally {
        refreshing = undefined;
        schedule();
      }
    })();
    return refreshing;
  }

  function schedule(): void {
    clearTimeout(pollTimer);
    pollTimer = !stopped && open ? setTimeout(() => void refresh(), refreshMs) : undefined;
  }

  function setOpen(next: boolean): void {
    open = next;
    frame.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    writeOpen(open);
    clearInterval(tickTimer);
    tickTimer = undefined;
    if (open) {
      // Countdowns tick locally between refreshes.
      tickTimer = setInterval(() => view.tick(), 1000);
      void refresh();
    } else {
      schedule();
    }
  }

  const stopInvalidate = onInvalidate(() => void refresh());
  target.append(host);
  setOpen(open);

  return function unmount(): void {
    if (stopped) return;
    stopped = true;
    clearTimeout(pollTimer);
    clearInterval(tickTimer);
    stopInvalidate();
    host.remove();
  };
}

function defineElement(): void {
  // Defined on first mount, never at import; another copy of Cachette may have defined it.
  if (customElements.get(DEVTOOLS_TAG)) return;
  customElements.define(DEVTOOLS_TAG, class CachetteDevtoolsElement extends HTMLElement {});
}

function checkOptions(options: DevtoolsOptions): DevtoolsOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`cachette: mountDevtools takes an options object like { position: 'bottom-left' }, got ${String(options)}`);
  }
  const { position, theme, refreshMs, open, target } = options;
  if (position !== undefined && !POSITIONS.includes(position)) {
    throw new TypeError(`cachette: mountDevtools position must be one of ${POSITIONS.join(', ')}, got ${String(position)}`);
  }
  if (theme !== undefined && !THEMES.includes(theme)) {
    throw new TypeError(`cachette: mountDevtools theme must be one of ${THEMES.join(', ')}, got ${String(theme)}`);
  }
  if (refreshMs !== undefined && !(typeof refreshMs === 'number' && refreshMs >= 50 && refreshMs < 2 ** 31)) {
    throw new TypeError(`cachette: mountDevtools refreshMs must be a number of milliseconds >= 50, got ${String(refreshMs)}`);
  }
  if (open !== undefined && typeof open !== 'boolean') throw new TypeError(`cachette: mountDevtools open must be a boolean, got ${String(open)}`);
  if (target !== undefined && !(typeof target === 'object' && target !== null && typeof target.append === 'function')) {
    throw new TypeError('cachette: mountDevtools target must be an element (default document.body)');
  }
  return options;
}

function readOpen(): boolean | undefined {
  try {
    const stored = localStorage.getItem(OPEN_KEY);
    return stored === null ? undefined : stored === 'true';
  } catch {
    // storage disabled or sandboxed: the option decides
    return undefined;
  }
}

function writeOpen(open: boolean): void {
  try {
    localStorage.setItem(OPEN_KEY, String(open));
  } catch {
    // as above: the state just does not survive a reload
  }
}

function describeAction(action: PanelAction): string {
  switch (action.type) {
    case 'clear-all':
      return 'clearing every cache';
    case 'clear':
      return `clearing cache '${action.cache}'`;
    case 'delete':
      return `deleting '${action.key}' from cache '${action.cache}'`;
    case 'invalidate-prefix':
      return `invalidating prefix '${action.prefix}'`;
    case 'invalidate-tag':
      return `invalidating tag '${action.tag}'`;
  }
}
