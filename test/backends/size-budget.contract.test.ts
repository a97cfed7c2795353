// A backend of your own (the README's example: five methods, the rest from the core)
// keeps the whole contract, imported through the package as a user imports it.
import { describe, expect, it } from 'vitest';
import { sizeBudget } from '../../examples/size-budget-backend.js';
import { defineCaches, getCache } from '../../src/index.js';
import { runCacheContract } from './contract.js';

runCacheContract(sizeBudget(1_000_000));

describe('size-budget: what it adds', () => {
  it('keeps the stored values under its byte budget, dropping the least recently used', async () => {
    // Each value is about 1,800 bytes (2 per UTF-16 unit): three fit in 6,000, four do not.
    defineCaches({ default: { backend: sizeBudget(6_000), timeout: null } });
    const c = getCache();
    for (const key of ['a', 'b', 'c']) await c.set(key, 'x'.repeat(900));
    await c.get('a');
    await c.set('d', 'x'.repeat(900));
    expect(await c.getMany(['a', 'b', 'c', 'd'])).toEqual({ a: 'x'.repeat(900), c: 'x'.repeat(900), d: 'x'.repeat(900) });
  });
});
