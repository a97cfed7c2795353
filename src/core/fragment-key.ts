import { md5Hex } from './md5';

/**
 * The cache key Django's `{% cache %}` tag uses for a template fragment, byte-exact with
 * `django.core.cache.utils.make_template_fragment_key`, so a page can read or invalidate a
 * fragment that a Django server (or another Cachette user) stored under the same name.
 *
 * Each vary-on value is rendered as Python's `str()` would render the matching Python value:
 * strings as-is, numbers and bigints via `String()`, `true`/`false` as `'True'`/`'False'`,
 * `null`/`undefined` as `'None'`. Other values have no unambiguous Python counterpart and
 * throw a `TypeError`. Integral numbers match Python `int`s; for non-integral or very
 * large/small numbers JavaScript's formatting can differ from Python's (e.g. `1e-7` vs
 * `1e-07`), so pass such values as strings if they must match a server.
 *
 * @example
 * makeFragmentKey('sidebar', ['alice', 3]);
 * // 'template.cache.sidebar.<md5 of "alice:3:">'
 * makeFragmentKey('foo', ['abc']); // 'template.cache.foo.493e283d571a73056196f1a68efd0f66'
 */
export function makeFragmentKey(name: string, varyOn: Iterable<unknown> = []): string {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(
      `cachette: makeFragmentKey: name must be a non-empty string, got ${describe(name)}`,
    );
  }
  // Hashing the concatenation equals Django's incremental `update(str(arg)); update(b":")`.
  let material = '';
  let position = 0;
  for (const value of varyOn) {
    material += pythonStr(value, position) + ':';
    position++;
  }
  return `template.cache.${name}.${md5Hex(material)}`;
}

function pythonStr(value: unknown, position: number): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'True' : 'False';
    case 'undefined':
      return 'None';
    case 'number':
      if (Number.isFinite(value)) return String(value);
      break;
    default:
      if (value === null) return 'None';
  }
  throw new TypeError(
    `cachette: makeFragmentKey: varyOn[${position}] is ${describe(value)}; ` +
      'accepted: strings, finite numbers, bigints, booleans, null or undefined',
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : `the number ${value}`;
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  if (typeof value === 'object') {
    const constructorName = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof constructorName === 'string' && constructorName !== 'Object'
      ? `an object (${constructorName})`
      : 'an object';
  }
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
