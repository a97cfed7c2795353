/**
 * 'cachette/react' as built (`npm test` builds first, as for every e2e test): its export
 * resolves with types, it imports in Node, and React stays out of every other entry
 * (external, an optional peer: nothing of it is bundled anywhere in dist).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Under happy-dom import.meta.url is not a file URL: the path comes from vite's dirname.
const root = resolve(import.meta.dirname, '../..');

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? jsFiles(`${dir}/${d.name}`) : d.name.endsWith('.js') ? [`${dir}/${d.name}`] : [],
  );
}

describe('the built cachette/react', () => {
  it('is exported with its types', () => {
    const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { exports: Record<string, { types: string; import: string }> };
    const target = pkg.exports['./react'];
    expect(target).toEqual({ types: './dist/react/index.d.ts', import: './dist/react.js' });
    expect(existsSync(`${root}/${target!.types}`)).toBe(true);
  });

  it('imports in Node, with nothing happening at import time', () => {
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import('cachette/react'); console.log(Object.keys(m).sort().join(','));`],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('CachedFragment,invalidationConcerns,useCached');
  });

  it('keeps React external, and out of every other entry', () => {
    for (const file of jsFiles(`${root}/dist`)) {
      const text = readFileSync(file, 'utf8');
      const rel = file.slice(root.length);
      // React's own code (its hooks dispatcher, its element symbol) is never bundled.
      expect(text, rel).not.toMatch(/react\.transitional\.element|__CLIENT_INTERNALS|ReactSharedInternals/);
      if (!/\/dist\/react(\.js|\/)/.test(file)) expect(text, rel).not.toMatch(/from\s*["']react(\/|["'])/);
    }
  });
});
