/**
 * The built package as its users get it: every `exports` path exists with its types, and
 * the ES modules import in Node (no import-time effects: no window, no indexedDB needed).
 * `npm test` builds before running this.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as {
  exports: Record<string, string | { types: string; import: string }>;
  sideEffects: boolean;
  type: string;
};

function node(script: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
}

describe('the built package', () => {
  it('is an ES module package without side effects', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
  });

  for (const subpath of ['.', './sw', './page', './devtools', './vite']) {
    it(`has a .js and a .d.ts for '${subpath}'`, () => {
      const target = pkg.exports[subpath];
      expect(typeof target).toBe('object');
      const { types, import: js } = target as { types: string; import: string };
      expect(types).toMatch(/\.d\.ts$/);
      expect(js).toMatch(/\.js$/);
      expect(existsSync(`${root}/${types}`), types).toBe(true);
      expect(existsSync(`${root}/${js}`), js).toBe(true);
    });
  }

  it('imports every entry by name in Node, and runs the core there with the memory backend', () => {
    const out = node(`
      const core = await import('cachette');
      // workbox-core's development logger touches \`self\` when it loads (the user's bundler
      // strips it in production); Cachette's own modules do nothing at import time.
      globalThis.self = globalThis;
      await import('cachette/sw');
      await import('cachette/page');
      await import('cachette/devtools');
      const { cachetteWorker } = await import('cachette/vite');
      if (cachetteWorker().name !== 'cachette:worker') throw new Error('cachette/vite: no plugin');
      core.defineCaches({ default: { backend: 'memory' } });
      await core.cache.set('k', { n: 1 }, 60);
      const v = await core.cache.get('k');
      console.log(JSON.stringify({ v, key: core.makeFragmentKey('foo', ['abc']), miss: typeof core.CacheMissError }));
    `);
    expect(JSON.parse(out)).toEqual({
      v: { n: 1 },
      key: 'template.cache.foo.493e283d571a73056196f1a68efd0f66',
      miss: 'function',
    });
  });

  it('keeps idb and workbox external (one Router shared with the app)', () => {
    const built = ['index.js', 'sw.js', 'page.js', 'devtools.js'].map((f) => readFileSync(`${root}/dist/${f}`, 'utf8')).join('\n');
    expect(built).not.toMatch(/function openDB\(/);
    const chunks = execFileSync('ls', [`${root}/dist`], { encoding: 'utf8' });
    for (const chunk of chunks.split('\n').filter((f) => f.endsWith('.js'))) {
      expect(readFileSync(`${root}/dist/${chunk}`, 'utf8')).not.toMatch(/function openDB\(|class Router\b/);
    }
  });
});
