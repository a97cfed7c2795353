import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineCaches, getCache, onCacheError, type ReportedError } from '../../src/index.js';

describe('a failing store never breaks a read', () => {
  const reports: ReportedError[] = [];
  let stop: () => void;
  beforeEach(async () => {
    defineCaches({ default: { backend: 'memory', location: `failing-${Math.random()}` } });
    await getCache().set('k', 'v');
    reports.length = 0;
    stop = onCacheError((r) => reports.push(r));
    const failure = new DOMException('the database connection is closing', 'InvalidStateError');
    vi.spyOn(getCache().store, 'get').mockRejectedValue(failure);
    vi.spyOn(getCache().store, 'getMany').mockRejectedValue(failure);
  });
  afterEach(() => {
    stop();
    vi.restoreAllMocks();
  });

  it('get, getMany and has read as misses, and report the error', async () => {
    expect(await getCache().get('k', 'fallback')).toBe('fallback');
    expect(await getCache().getMany(['k'])).toEqual({});
    expect(await getCache().has('k')).toBe(false);
    expect(reports.map((r) => r.context)).toEqual([
      "get 'k' in cache 'default'",
      "getMany in cache 'default'",
      "has 'k' in cache 'default'",
    ]);
    expect((reports[0]?.error as DOMException).name).toBe('InvalidStateError');
  });

  it('getOrSet computes the value, returns it and reports', async () => {
    expect(await getCache().getOrSet('k', () => 'computed')).toBe('computed');
    expect(reports).toHaveLength(1);
  });

  it('bad arguments still reject', async () => {
    await expect(getCache().get(1 as unknown as string)).rejects.toThrow(TypeError);
    expect(reports).toEqual([]);
  });
});
