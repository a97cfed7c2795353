type Getter<This, Value> = (this: This) => Value;
type Key = string | symbol;

/**
 * Per-instance memoised getter, like Django's `cached_property`. The getter runs on the
 * first read; its result is then stored as an own, writable, configurable, enumerable data
 * property of the instance, so later reads are plain property reads and never call the
 * getter again. `delete obj.prop` drops the cached value and the next read recomputes it.
 *
 * - If the getter throws, nothing is cached and the error propagates.
 * - An async getter memoises its promise; a rejected promise stays cached too, so
 *   `delete` the property to retry.
 * - Reading the property on the prototype itself computes without caching, so the getter
 *   is never shadowed for every instance.
 * - Works as a standard (TC39) decorator and as a TypeScript `experimentalDecorators`
 *   decorator. Only public instance getters are accepted: methods, fields, setters,
 *   `static` and `#private` getters throw a `TypeError`.
 *
 * @example
 * class Report {
 *   constructor(readonly rows: number[]) {}
 *   @cachedProperty get total(): number {
 *     return this.rows.reduce((sum, n) => sum + n, 0); // runs once per instance
 *   }
 * }
 * const report = new Report([1, 2, 3]);
 * report.total; // 6, computed
 * report.total; // 6, read from the instance
 * delete (report as { total?: number }).total; // next read recomputes
 */
export function cachedProperty<This extends object, Value>(
  getter: Getter<This, Value>,
  context: ClassGetterDecoratorContext<This, Value>,
): Getter<This, Value>;
export function cachedProperty(
  target: object,
  key: Key,
  descriptor: PropertyDescriptor,
): PropertyDescriptor;
export function cachedProperty(...args: unknown[]): unknown {
  const [first, second, third] = args;
  if (args.length === 2 && isStandardContext(second)) {
    if (second.kind !== 'getter') throw notAGetter(`${second.kind} ${nameOf(second.name)}`);
    if (second.private) {
      throw new TypeError(
        `cachette: @cachedProperty does not support private getters (${nameOf(second.name)}): ` +
          'the cached value is stored as a public own property; use a public getter',
      );
    }
    if (second.static) throw staticGetter(second.name);
    return memoise(first as Getter<object, unknown>, second.name);
  }
  if (args.length === 3 && isObjectLike(first) && isKey(second)) {
    const descriptor = third as PropertyDescriptor | undefined;
    if (typeof descriptor?.get !== 'function') {
      const kind =
        typeof descriptor?.value === 'function' ? 'method' : descriptor?.set ? 'setter' : 'field';
      throw notAGetter(`${kind} ${nameOf(second)}`);
    }
    // Legacy decorators receive the constructor itself as target for static members.
    if (typeof first === 'function') throw staticGetter(second);
    return { ...descriptor, get: memoise(descriptor.get as Getter<object, unknown>, second) };
  }
  throw notAGetter('something that is not a class member');
}

function memoise(getter: Getter<object, unknown>, name: Key): Getter<object, unknown> {
  const cached = function (this: object): unknown {
    const value = getter.call(this);
    // `this` owning the getter means a read through the prototype itself; caching there
    // would shadow the getter for every instance.
    if (Object.getOwnPropertyDescriptor(this, name)?.get === cached) return value;
    try {
      Object.defineProperty(this, name, { value, writable: true, configurable: true, enumerable: true });
    } catch (error) {
      throw new TypeError(
        `cachette: @cachedProperty cannot cache ${nameOf(name)} on a frozen, sealed or ` +
          'non-extensible object; it needs an extensible instance',
        { cause: error },
      );
    }
    return value;
  };
  return cached;
}

function isStandardContext(value: unknown): value is DecoratorContext {
  return (
    typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string'
  );
}

function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function isKey(value: unknown): value is Key {
  return typeof value === 'string' || typeof value === 'symbol';
}

function nameOf(name: Key | undefined): string {
  return typeof name === 'symbol' ? `[${name.description ?? 'symbol'}]` : `'${String(name)}'`;
}

function staticGetter(name: Key): TypeError {
  // The cached value would replace the getter on the class itself, so `delete` could never
  // bring the getter back; refusing is clearer than a half-working cache.
  return new TypeError(
    `cachette: @cachedProperty does not support static getters (${nameOf(name)}); ` +
      'use it on instance getters',
  );
}

function notAGetter(usedOn: string): TypeError {
  const article = /^[aeiou]/.test(usedOn) ? 'an' : 'a';
  return new TypeError(
    `cachette: @cachedProperty decorates getters only, but was applied to ${article} ${usedOn}`,
  );
}
