import { describe, expect, it } from 'vitest';
import { entryRows } from '../../src/devtools/entry-rows.js';
import type { PanelEntry } from '../../src/devtools/panel-data.js';

const entry = (key: string, kind: PanelEntry['kind'], url: string | undefined, size = 10): PanelEntry => ({ key, label: url ?? key, kind, size, expires: null, tags: [], ...(url ? { url } : {}) });

describe('entryRows', () => {
  it('folds a URL’s Vary list into its response’s row, and counts rows', () => {
    const entries = [
      entry('a', 'response', 'https://app.test/a', 100),
      entry('a-vary', 'vary', 'https://app.test/a', 20),
      entry('b', 'response', 'https://app.test/b'),
      entry('c-vary', 'vary', 'https://app.test/c'),
      entry('v', 'value', undefined),
    ];
    const listed = entryRows({ entries, count: entries.length });
    expect(listed.rows.map((e) => e.key)).toEqual(['a', 'b', 'c-vary', 'v']);
    expect(listed.varySize.get('https://app.test/a')).toBe(20);
    expect(listed).toMatchObject({ count: 4, folded: 1 });
  });

  it('counts the entries a cut list left out as they are', () => {
    const entries = [entry('a', 'response', 'https://app.test/a'), entry('a-vary', 'vary', 'https://app.test/a')];
    expect(entryRows({ entries, count: 500 }).count).toBe(499);
    expect(entryRows({ entries: [], count: 0 }).count).toBe(0);
  });
});
