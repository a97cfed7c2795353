import { describe, expect, it } from 'vitest';
import { PendingUses } from '../../src/backends/pending-uses.js';

describe('pending uses', () => {
  it('stamps hits and writes from one strictly increasing sequence, even when the clock stands still', () => {
    const uses = new PendingUses();
    const write = uses.stamp(1000);
    const hit = uses.use('a', 1000);
    expect(hit).toBeGreaterThan(write);
    expect(uses.stamp(1000)).toBeGreaterThan(hit);
    expect(uses.size).toBe(1); // a write's stamp is not remembered
  });

  it('gives the later of the stored stamp and the pending one', () => {
    const uses = new PendingUses();
    const hit = uses.use('a', 1000);
    expect(uses.latest('a', 500)).toBe(hit);
    expect(uses.latest('a', 5000)).toBe(5000); // another context used it later
    expect(uses.latest('b', 500)).toBe(500);
  });

  it('after a write, forgets only the stamps that no newer hit replaced', () => {
    const uses = new PendingUses();
    uses.use('a', 1000);
    uses.use('b', 1000);
    const batch = uses.snapshot();
    const newer = uses.use('b', 2000); // a hit while the batch was being written
    uses.written(batch);
    expect(uses.size).toBe(1);
    expect(uses.latest('a', 0)).toBe(0);
    expect(uses.latest('b', 0)).toBe(newer);
  });

  it('forgets one key, all but some keys, or everything', () => {
    const uses = new PendingUses();
    for (const key of ['a', 'b', 'c', 'd']) uses.use(key, 1000);
    uses.forget('a');
    expect(uses.latest('a', 0)).toBe(0);
    uses.keepOnly(new Set(['b', 'c']));
    expect(uses.latest('d', 0)).toBe(0);
    expect(uses.size).toBe(2);
    uses.clear();
    expect(uses.size).toBe(0);
  });
});
