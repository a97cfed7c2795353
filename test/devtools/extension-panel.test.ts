/**
 * The hook the extension reads, and the extension's panel page against a stubbed
 * `chrome.devtools`: its `inspectedWindow.eval` evaluates in this realm and passes the
 * result through JSON, as the real one does across processes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineCaches, getCache } from '../../src/index.js';
import { installDevtoolsHook, type DevtoolsHook } from '../../src/devtools/index.js';
import { startExtensionPanel, type ChromeDevtoolsLike } from '../../src/devtools/extension-panel.js';
import { button, rowKeys, text, until } from './support.js';

let unique = 0;
const cleanups: (() => void)[] = [];

beforeEach(() => {
  unique += 1;
  defineCaches({
    default: { backend: 'memory', location: `ext-default-${unique}` },
    other: { backend: 'memory', location: `ext-other-${unique}` },
  });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await getCache().clear();
  await getCache('other').clear();
  document.body.replaceChildren();
});

const hook = () => (window as unknown as { __CACHETTE_DEVTOOLS__?: DevtoolsHook }).__CACHETTE_DEVTOOLS__;

/** A stand-in for chrome.devtools: eval in this window, the result crossing as JSON. */
function stubDevtools(theme = 'default'): ChromeDevtoolsLike & { evaluated: string[] } {
  const evaluated: string[] = [];
  return {
    evaluated,
    panels: { themeName: theme },
    inspectedWindow: {
      eval(expression, _options, callback) {
        evaluated.push(expression);
        setTimeout(() => {
          let result: unknown;
          try {
            result = (0, eval)(expression);
          } catch (error) {
            callback(undefined, { isException: true, value: String(error) });
            return;
          }
          callback(result === undefined ? undefined : JSON.parse(JSON.stringify(result)));
        }, 0);
      },
    },
  };
}

describe('installDevtoolsHook', () => {
  it('installs window.__CACHETTE_DEVTOOLS__ with JSON-safe snapshots, and removes it', async () => {
    await getCache().set('k', 1, null);
    cleanups.push(installDevtoolsHook({ refreshMs: 50 }));
    expect(hook()?.version).toBe(1);
    const data = await hook()!.snapshot();
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
    expect(data.caches.map((c) => c.alias)).toEqual(['default', 'other']);
    expect(data.caches[0]?.entries[0]).toMatchObject({ label: 'k', expires: null });
    expect(hook()?.latest).toEqual(data);
    cleanups.pop()!();
    expect(hook()).toBeUndefined();
  });

  it('keeps latest fresh while it is read, and runs actions', async () => {
    cleanups.push(installDevtoolsHook({ refreshMs: 50 }));
    await getCache().set('fresh', 1);
    await until(() => expect(hook()?.latest?.caches[0]?.entries.map((e) => e.label)).toEqual(['fresh']));
    await hook()!.act({ type: 'clear', cache: 'default' });
    expect(await getCache().has('fresh')).toBe(false);
    expect(hook()?.latest?.caches[0]?.entries).toEqual([]);
    await expect(hook()!.act({ type: 'drop-database' })).rejects.toThrow(/not a panel action/);
  });
});

describe('the extension panel page', () => {
  it('says how to install the hook when the page has none', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    cleanups.push(startExtensionPanel(stubDevtools(), container, { refreshMs: 50 }));
    const root = container.querySelector('div')!.shadowRoot!;
    await until(() => expect(text(root)).toContain('call installDevtoolsHook()'));
  });

  it('renders the inspected page’s caches through eval, follows the devtools theme, and sends actions back', async () => {
    await getCache().set('a', 1);
    await getCache('other').set('b', 2);
    cleanups.push(installDevtoolsHook({ refreshMs: 50 }));
    const container = document.createElement('div');
    document.body.append(container);
    const devtools = stubDevtools('dark');
    cleanups.push(startExtensionPanel(devtools, container, { refreshMs: 50 }));
    const host = container.querySelector('div')!;
    expect(host.getAttribute('theme')).toBe('dark');
    const root = host.shadowRoot!;
    await until(() => expect(rowKeys(root, 'other')).toEqual(['b']));
    expect(rowKeys(root, 'default')).toEqual(['a']);

    button(root, 'Clear other').click();
    await until(() => expect(rowKeys(root, 'other')).toEqual([]));
    expect(await getCache('other').has('b')).toBe(false);
    expect(await getCache().get('a')).toBe(1);

    button(root, 'Delete a').click();
    await until(() => expect(rowKeys(root, 'default')).toEqual([]));
    expect(devtools.evaluated.some((e) => e.includes('"type":"delete"'))).toBe(true);
  });
});
