/**
 * The Chrome DevTools extension's panel (devtools/extension/panel.html): the same view as
 * the in-page panel, fed by polling the inspected page's hook (`installDevtoolsHook`)
 * through `chrome.devtools.inspectedWindow.eval`, and sending actions the same way. Imports
 * nothing of the library: the extension runs in its own page, not the app's.
 */
import type { PanelAction } from './panel-action.js';
import { isPanelData } from './panel-data.js';
import { PANEL_CSS } from './panel-style.js';
import { createPanelView } from './panel-view.js';

/** The slice of `chrome.devtools` the panel uses (a test passes a stub). */
export interface ChromeDevtoolsLike {
  inspectedWindow: {
    eval(expression: string, options: object, callback: (result: unknown, exceptionInfo?: unknown) => void): void;
  };
  panels?: { themeName?: string };
}

/** Options of `startExtensionPanel`. */
export interface ExtensionPanelOptions {
  /** How often to read the page's hook, in ms; default 1000. */
  refreshMs?: number;
}

const LATEST = 'window.__CACHETTE_DEVTOOLS__ && window.__CACHETTE_DEVTOOLS__.latest';
const NO_HOOK =
  'Cachette’s devtools hook is not installed on this page. In development, call installDevtoolsHook() from cachette/devtools.';

/**
 * Renders the panel into `container` (in its shadow root) and keeps it live; returns the
 * function that stops it.
 * @example startExtensionPanel(chrome.devtools, document.getElementById('root'));
 */
export function startExtensionPanel(devtools: ChromeDevtoolsLike, container: HTMLElement, options: ExtensionPanelOptions = {}): () => void {
  const refreshMs = options.refreshMs ?? 1000;
  const doc = container.ownerDocument;
  let stopped = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const evaluate = (expression: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      devtools.inspectedWindow.eval(expression, {}, (result, exceptionInfo) => {
        if (exceptionInfo) reject(new Error(describeException(exceptionInfo)));
        else resolve(result);
      });
    });

  const poll = async (): Promise<void> => {
    try {
      const result = await evaluate(LATEST);
      if (stopped) return;
      if (isPanelData(result)) view.update(result);
      else if (result === null && (await evaluate('Boolean(window.__CACHETTE_DEVTOOLS__)'))) view.update(null, 'Loading…');
      else if (result === null || result === undefined || result === false || result === 0) view.update(null, NO_HOOK);
      else view.update(null, 'The page runs a Cachette version this panel does not understand: update the extension.');
    } catch (error) {
      if (!stopped) view.update(null, `Cannot read the inspected page: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) fn();
    }, ms);
    timers.add(timer);
  };

  const act = async (action: PanelAction): Promise<void> => {
    // eval cannot await: start the action, then read the refreshed snapshot shortly after.
    await evaluate(`(window.__CACHETTE_DEVTOOLS__ && void window.__CACHETTE_DEVTOOLS__.act(${JSON.stringify(action)}), true)`);
    for (const ms of [100, 400, 1000]) later(ms, () => void poll());
  };

  const view = createPanelView(doc, { act });
  const host = doc.createElement('div');
  host.className = 'page';
  host.setAttribute('theme', devtools.panels?.themeName === 'dark' ? 'dark' : 'light');
  const shadow = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = PANEL_CSS;
  shadow.append(style, view.element);
  container.append(host);

  const pollTimer = setInterval(() => void poll(), refreshMs);
  const tickTimer = setInterval(() => view.tick(), 1000);
  void poll();

  return () => {
    stopped = true;
    clearInterval(pollTimer);
    clearInterval(tickTimer);
    for (const timer of timers) clearTimeout(timer);
    host.remove();
  };
}

function describeException(info: unknown): string {
  if (typeof info === 'object' && info !== null) {
    const i = info as { value?: unknown; description?: unknown; code?: unknown };
    return String(i.value ?? i.description ?? i.code ?? 'an exception');
  }
  return String(info);
}
