// @vitest-environment node
// cachetteWorker()'s dev options (checked when the plugin is made) and the worker code it adds
// around the user's: which requests the dev worker leaves to Vite, and the evaluation-error report.
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { devPrelude, reportingEvaluationErrors } from '../../src/vite/dev-worker-code.js';
import { cachetteWorker } from '../../src/vite/plugin.js';

describe('cachetteWorker dev options', () => {
  it('accepts none, or viteRequests and update with their values', () => {
    expect(() => cachetteWorker()).not.toThrow();
    expect(() => cachetteWorker({ dev: { viteRequests: 'worker', update: 'prompt' } })).not.toThrow();
  });

  it('rejects a wrong key or value, naming it and what is accepted', () => {
    expect(() => cachetteWorker({ dev: { viteRequest: 'worker' } as never })).toThrow("cachette/vite: dev has no option 'viteRequest'; the options are viteRequests and update");
    expect(() => cachetteWorker({ dev: { viteRequests: 'cache' as never } })).toThrow(`cachette/vite: dev.viteRequests must be 'network' or 'worker', got "cache"`);
    expect(() => cachetteWorker({ dev: { update: true as never } })).toThrow(`cachette/vite: dev.update must be 'activate' or 'prompt', got true`);
    expect(() => cachetteWorker({ dev: 'network' as never })).toThrow('cachette/vite: dev must be an object');
  });
});

/** Runs the dev prelude against a fake worker scope; returns which URLs it leaves to the network. */
function leftToVite(base: string, urls: string[]): string[] {
  const listeners: Record<string, ((event: unknown) => void)[]> = {};
  const self = {
    location: { origin: 'http://app.test', href: 'http://app.test/sw.js' },
    addEventListener: (type: string, listener: (event: unknown) => void) => (listeners[type] ??= []).push(listener),
    skipWaiting: () => {},
  };
  runInNewContext(devPrelude(base, { viteRequests: 'network', update: 'activate' }), { self, URL });
  return urls.filter((url) => {
    let stopped = false;
    for (const listener of listeners.fetch ?? []) listener({ request: { url }, stopImmediatePropagation: () => (stopped = true) });
    return stopped;
  });
}

describe('the dev worker prelude', () => {
  it("leaves Vite's own requests to Vite, and the app's to its routes", () => {
    const vite = [
      'http://app.test/@vite/client',
      'http://app.test/@fs/home/me/lib/index.ts',
      'http://app.test/@id/__x00__virtual:thing',
      'http://app.test/node_modules/.vite/deps/react.js?v=3f2a9c1d',
      'http://app.test/src/App.tsx?t=1732800000000',
      'http://app.test/src/logo.svg?import',
    ];
    const app = [
      'http://app.test/',
      'http://app.test/src/App.tsx',
      'http://app.test/api/items?v=2',
      'http://app.test/api/items?important=1',
      'http://other.test/@vite/client',
    ];
    expect(leftToVite('/', [...vite, ...app])).toEqual(vite);
  });

  it('reads the paths under base', () => {
    expect(leftToVite('/app/', ['http://app.test/app/@vite/client', 'http://app.test/@vite/client'])).toEqual(['http://app.test/app/@vite/client']);
  });

  it('adds nothing when the worker is to see everything and wait like production', () => {
    expect(devPrelude('/', { viteRequests: 'worker', update: 'prompt' })).toBe('');
  });
});

describe('the evaluation-error report', () => {
  it('posts what the script threw, then throws it; an inline source map stays last', () => {
    const code = "var a = 1;\nthrow new TypeError('bad row');\n//# sourceMappingURL=data:application/json;base64,e30=\n";
    const wrapped = reportingEvaluationErrors(code);
    expect(wrapped.trimEnd().endsWith('//# sourceMappingURL=data:application/json;base64,e30=')).toBe(true);
    const posted: unknown[] = [];
    class BroadcastChannel {
      constructor(readonly name: string) {}
      postMessage(data: unknown) {
        posted.push({ name: this.name, data });
      }
    }
    expect(() => runInNewContext(wrapped, { self: { location: { href: 'http://app.test/sw.js' } }, BroadcastChannel })).toThrow('bad row');
    expect(posted).toEqual([{ name: 'cachette:worker-error', data: { message: expect.stringContaining('TypeError: bad row'), scriptURL: 'http://app.test/sw.js' } }]);
  });

  it('changes nothing for a script that runs', () => {
    const context: { self: object; ran?: number } = { self: {} };
    runInNewContext(reportingEvaluationErrors('ran = 1 + 1;'), context);
    expect(context.ran).toBe(2);
  });
});
