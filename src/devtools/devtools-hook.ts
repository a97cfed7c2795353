/**
 * The page's hook for the Cachette Chrome DevTools extension: `window.__CACHETTE_DEVTOOLS__`.
 * The extension's panel reads `latest` with `inspectedWindow.eval`, which cannot await, so
 * the hook keeps `latest` fresh on a timer while someone reads it (it pauses when nobody
 * has for a while), and runs the panel's actions through `act`.
 */
import { onInvalidate } from '../invalidations.js';
import { collectPanelData } from './collect-panel-data.js';
import { checkAction } from './panel-action.js';
import type { PanelData, PanelError } from './panel-data.js';
import { runPanelAction } from './run-panel-action.js';

/** The global the extension talks to. */
export interface DevtoolsHook {
  readonly version: 1;
  /** The last snapshot (plain JSON), or `null` before the first one. Reading it keeps it fresh. */
  readonly latest: PanelData | null;
  /** Collects a fresh snapshot (and stores it as `latest`). */
  snapshot(): Promise<PanelData>;
  /** Runs a panel action (`{ type: 'clear', cache: 'default' }`, ...), then refreshes `latest`. */
  act(action: unknown): Promise<void>;
}

/** Options of `installDevtoolsHook`. */
export interface DevtoolsHookOptions {
  /** How often `latest` is refreshed while read, in ms; default 1000. */
  refreshMs?: number;
}

/** The name of the global. */
export const HOOK_NAME = '__CACHETTE_DEVTOOLS__';
/** After this long without a read of `latest`, the hook stops refreshing it. */
const IDLE_MS = 10_000;

/**
 * Installs `window.__CACHETTE_DEVTOOLS__` for the Cachette DevTools extension; returns the
 * function that removes it. Call it in development only: it lets any script on the page
 * (and the extension) read every key and clear every cache.
 * @example
 * if (import.meta.env.DEV) (await import('cachette/devtools')).installDevtoolsHook();
 */
export function installDevtoolsHook(options: DevtoolsHookOptions = {}): () => void {
  const refreshMs = options.refreshMs ?? 1000;
  if (!(typeof refreshMs === 'number' && refreshMs >= 50 && refreshMs < 2 ** 31)) {
    throw new TypeError(`cachette: installDevtoolsHook refreshMs must be a number of milliseconds >= 50, got ${String(refreshMs)}`);
  }
  const global = globalThis as Record<string, unknown>;
  let latest: PanelData | null = null;
  let lastRead = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let pending: Promise<PanelData> | undefined;
  let removed = false;
  const panelErrors: PanelError[] = [];

  const snapshot = (): Promise<PanelData> =>
    (pending ??= collectPanelData({ panelErrors })
      .then((data) => {
        if (!removed) latest = data;
        return data;
      })
      .finally(() => {
        pending = undefined;
      }));

  const poll = (): void => {
    if (timer !== undefined || removed) return;
    timer = setInterval(() => {
      if (Date.now() - lastRead > IDLE_MS) {
        clearInterval(timer);
        timer = undefined;
        return;
      }
      void snapshot();
    }, refreshMs);
  };

  const hook: DevtoolsHook = {
    version: 1,
    get latest() {
      lastRead = Date.now();
      poll();
      return latest;
    },
    snapshot,
    async act(raw) {
      const action = checkAction(raw);
      if (!action) throw new TypeError(`cachette devtools: not a panel action: ${JSON.stringify(raw)}`);
      try {
        await runPanelAction(action);
      } catch (error) {
        panelErrors.push({ side: 'panel', context: `the extension's ${action.type}`, message: error instanceof Error ? error.message : String(error), time: Date.now() });
        if (panelErrors.length > 10) panelErrors.shift();
      }
      // A snapshot begun before the action would be stale: wait it out, then take a fresh one.
      await pending?.catch(() => undefined);
      await snapshot();
    },
  };
  global[HOOK_NAME] = hook;
  const stopInvalidate = onInvalidate(() => {
    if (timer !== undefined) void snapshot();
  });
  void snapshot();

  return () => {
    removed = true;
    clearInterval(timer);
    stopInvalidate();
    if (global[HOOK_NAME] === hook) delete global[HOOK_NAME];
  };
}
