/**
 * The benchmarks are not run by `npm test` (they take minutes), but they must stay
 * runnable: every module bench/run.mjs lists loads and has the shape run.mjs expects.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const runner = readFileSync(new URL('../../bench/run.mjs', import.meta.url), 'utf8');
const modules = [...runner.matchAll(/^import \* as \w+ from '\.\/([\w-]+\.mjs)';$/gm)].map((m) => m[1] as string);

describe('bench/', () => {
  it('lists its benchmarks in run.mjs', () => {
    expect(modules.sort()).toEqual(['fetch-hit.mjs', 'fragments.mjs', 'get-latency.mjs', 'invalidation.mjs', 'push-fanout.mjs', 'push-latency.mjs', 'revalidation.mjs', 'scale.mjs', 'shared-miss.mjs']);
  });

  for (const file of modules) {
    it(`${file} loads and exports name, description and run()`, async () => {
      const mod = (await import(`../../bench/${file}`)) as { name?: unknown; description?: unknown; run?: unknown };
      expect(typeof mod.name).toBe('string');
      expect(typeof mod.description).toBe('string');
      expect(typeof mod.run).toBe('function');
    });
  }
});

describe('scripts that run on their own', () => {
  for (const script of ['bench/run.mjs', 'demo/measure.mjs', 'devtools/extension/build.mjs']) {
    it(`${script} parses`, () => {
      // --check parses without running: these scripts start browsers or builds when run.
      expect(() => execFileSync(process.execPath, ['--check', fileURLToPath(new URL(`../../${script}`, import.meta.url))])).not.toThrow();
    });
  }
});
