import { describe, expect, it } from 'vitest';
import { makeFragmentKey } from '../../src/core/fragment-key';

// Expected keys: Django's TestMakeTemplateFragmentKey vectors, and the rest computed with
// python3 hashlib using make_template_fragment_key's exact algorithm.
describe('makeFragmentKey', () => {
  it('matches Django for the documented vectors', () => {
    expect(makeFragmentKey('a.fragment')).toBe('template.cache.a.fragment.d41d8cd98f00b204e9800998ecf8427e');
    expect(makeFragmentKey('foo', ['abc'])).toBe('template.cache.foo.493e283d571a73056196f1a68efd0f66');
    expect(makeFragmentKey('bar', ['abc', 'def'])).toBe('template.cache.bar.17c1a507a0cb58384f4c639067a93520');
    expect(makeFragmentKey('spam', ['abc:def%'])).toBe('template.cache.spam.06c8ae8e8c430b69fb0a6443504153dc');
  });

  it('treats an empty vary-on list like none', () => {
    expect(makeFragmentKey('foo', [])).toBe('template.cache.foo.d41d8cd98f00b204e9800998ecf8427e');
  });

  it('renders integers like Python str(int)', () => {
    expect(makeFragmentKey('foo', [1])).toBe('template.cache.foo.3afcdbfeb6ecfbdd0ba628696e3cc163');
    expect(makeFragmentKey('foo', ['1'])).toBe(makeFragmentKey('foo', [1]));
    expect(makeFragmentKey('foo', [1, -42, 0])).toBe('template.cache.foo.06bf8e90e74b4c3f10d840a64bb0cbac');
    expect(makeFragmentKey('foo', [1.5])).toBe('template.cache.foo.53c4571a62464d4be2fa5ad4ecb88588');
  });

  it('renders bigints beyond the safe-integer range exactly', () => {
    expect(makeFragmentKey('foo', [12345678901234567890123n])).toBe(
      'template.cache.foo.cc9d05687026388e87fdea885c765a18',
    );
  });

  it('renders booleans as True/False and null/undefined as None', () => {
    expect(makeFragmentKey('foo', [true, false])).toBe('template.cache.foo.8d21f0e16dc49aaf2caf42bf0ee44f34');
    expect(makeFragmentKey('foo', [null])).toBe('template.cache.foo.6846ba559f7f55c20a67d890d03d20e0');
    expect(makeFragmentKey('foo', [undefined])).toBe('template.cache.foo.6846ba559f7f55c20a67d890d03d20e0');
  });

  it('hashes unicode as UTF-8', () => {
    expect(makeFragmentKey('foo', ['日本語', 'é', '🎉'])).toBe('template.cache.foo.1c684db181c240472c7261ab2432513a');
  });

  it('distinguishes an empty string from no value', () => {
    expect(makeFragmentKey('foo', [''])).toBe('template.cache.foo.853ae90f0351324bd73ea615e6487517');
  });

  it('accepts any iterable, not only arrays', () => {
    function* values(): Generator<string> {
      yield 'abc';
      yield 'def';
    }
    expect(makeFragmentKey('bar', values())).toBe('template.cache.bar.17c1a507a0cb58384f4c639067a93520');
    expect(makeFragmentKey('bar', new Set(['abc', 'def']))).toBe(
      'template.cache.bar.17c1a507a0cb58384f4c639067a93520',
    );
  });

  it.each([
    ['an object', { a: 1 }, /varyOn\[1\] is an object;/],
    ['an array', [1], /varyOn\[1\] is an array;/],
    ['a Date', new Date(0), /varyOn\[1\] is an object \(Date\);/],
    ['a symbol', Symbol('s'), /varyOn\[1\] is a symbol;/],
    ['a function', () => 1, /varyOn\[1\] is a function;/],
    ['NaN', Number.NaN, /varyOn\[1\] is NaN;/],
    ['Infinity', Number.POSITIVE_INFINITY, /varyOn\[1\] is the number Infinity;/],
  ])('rejects %s with a TypeError naming its position and type', (_label, bad, message) => {
    const call = (): string => makeFragmentKey('foo', ['ok', bad]);
    expect(call).toThrow(TypeError);
    expect(call).toThrow(message);
    expect(call).toThrow(/accepted: strings, finite numbers, bigints, booleans, null/);
  });

  it('rejects an empty or non-string name', () => {
    expect(() => makeFragmentKey('')).toThrow(TypeError);
    expect(() => makeFragmentKey('')).toThrow(/name must be a non-empty string, got an empty string/);
    expect(() => makeFragmentKey(42 as unknown as string)).toThrow(/name must be a non-empty string, got the number 42/);
  });
});
