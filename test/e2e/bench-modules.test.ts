/**
 * The benchmarks are not run by `npm test` (they take minutes), but they must stay
 * runnable: every module bench/run.mjs lists loads and has the shape run.mjs expects.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const runner = readFileSync(new URL('../../bench/run.mjs', import.meta.url), 'utf8');
const modules = [...runner.matchAll(/^import \* as \w+ from '\.\/([\w-]+\.mjs)';$/gm)].map((m) => m[1] as string);

describe('bench/', () => {
  it('lists its benchmarks in run.mjs', () => {
    expect(modules.sort()).toEqual(['fetch-hit.mjs', 'fragments.mjs', 'get-latency.mjs', 'invalidation.mjs']);
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
