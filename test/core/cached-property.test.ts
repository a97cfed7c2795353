import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { cachedProperty } from '../../src/core/cached-property';

// The test transform (Vite/Oxc, no `experimentalDecorators` in tsconfig) passes standard
// decorator syntax through untouched, and Node cannot parse `@dec` yet, so this file has no
// decorator syntax of its own. Instead every behaviour runs against four ways of applying
// the decorator:
// - "standard" / "legacy": called by hand, with a ClassGetterDecoratorContext or with a
//   prototype descriptor, as a compiler would;
// - "standard (tsc)" / "legacy (tsc)": real `@cachedProperty get …` source compiled by
//   TypeScript with and without `experimentalDecorators`, which proves the argument
//   detection matches what compilers actually pass.

interface Counter {
  readonly base: number;
  calls: number;
  readonly value: unknown;
}
type CounterClass = new (base: number) => Counter;
type Compute = (self: Counter) => unknown;
type Mode = (compute: Compute) => CounterClass;

const doubled: Compute = (self) => self.base * 2;

function standardByHand(compute: Compute): CounterClass {
  class Plain {
    calls = 0;
    constructor(readonly base: number) {}
  }
  const getter = function (this: Counter): unknown {
    this.calls++;
    return compute(this);
  };
  const replacement = cachedProperty(getter, getterContext<Counter, unknown>('value'));
  Object.defineProperty(Plain.prototype, 'value', { get: replacement, configurable: true });
  return Plain as unknown as CounterClass;
}

function legacyByHand(compute: Compute): CounterClass {
  class Plain {
    calls = 0;
    constructor(readonly base: number) {}
    get value(): unknown {
      this.calls++;
      return compute(this as unknown as Counter);
    }
  }
  const descriptor = Object.getOwnPropertyDescriptor(Plain.prototype, 'value');
  if (descriptor === undefined) throw new Error('test setup: no descriptor');
  Object.defineProperty(Plain.prototype, 'value', cachedProperty(Plain.prototype, 'value', descriptor));
  return Plain as unknown as CounterClass;
}

const counterSource = `
  class Counter {
    calls = 0;
    constructor(base) { this.base = base; }
    @cachedProperty get value() { this.calls++; return compute(this); }
  }
  out.result = Counter;
`;

const compiledStandard: Mode = (compute) => compile(counterSource, false, compute) as CounterClass;
const compiledLegacy: Mode = (compute) => compile(counterSource, true, compute) as CounterClass;

describe.each<[string, Mode]>([
  ['standard', standardByHand],
  ['legacy', legacyByHand],
  ['standard (tsc)', compiledStandard],
  ['legacy (tsc)', compiledLegacy],
])('cachedProperty, %s', (_mode, make) => {
  it('computes once per instance', () => {
    const Counter = make(doubled);
    const counter = new Counter(21);
    expect(counter.value).toBe(42);
    expect(counter.value).toBe(42);
    expect(counter.value).toBe(42);
    expect(counter.calls).toBe(1);
  });

  it('keeps separate instances independent', () => {
    const Counter = make(doubled);
    const a = new Counter(1);
    const b = new Counter(5);
    expect(a.value).toBe(2);
    expect(b.calls).toBe(0);
    expect(b.value).toBe(10);
    expect(a.value).toBe(2);
    expect([a.calls, b.calls]).toEqual([1, 1]);
  });

  it('stores the value as an own writable, configurable, enumerable data property', () => {
    const Counter = make(doubled);
    const counter = new Counter(3);
    expect(Object.getOwnPropertyDescriptor(counter, 'value')).toBeUndefined();
    void counter.value;
    expect(Object.getOwnPropertyDescriptor(counter, 'value')).toEqual({
      value: 6,
      writable: true,
      configurable: true,
      enumerable: true,
    });
    (counter as { value: unknown }).value = 'overwritten';
    expect(counter.value).toBe('overwritten');
    expect(counter.calls).toBe(1);
  });

  it('recomputes after delete', () => {
    let factor = 2;
    const Counter = make((self) => self.base * factor);
    const counter = new Counter(10);
    expect(counter.value).toBe(20);
    factor = 3;
    expect(counter.value).toBe(20);
    delete (counter as { value?: unknown }).value;
    expect(counter.value).toBe(30);
    expect(counter.calls).toBe(2);
  });

  it('caches nothing when the getter throws', () => {
    let fail = true;
    const Counter = make((self) => {
      if (fail) throw new RangeError('boom');
      return self.base;
    });
    const counter = new Counter(7);
    expect(() => counter.value).toThrow(RangeError);
    expect(Object.getOwnPropertyDescriptor(counter, 'value')).toBeUndefined();
    fail = false;
    expect(counter.value).toBe(7);
    expect(counter.calls).toBe(2);
  });

  it('memoises the promise of an async getter', async () => {
    const Counter = make(async (self) => self.base + 1);
    const counter = new Counter(1);
    const first = counter.value;
    expect(first).toBeInstanceOf(Promise);
    expect(counter.value).toBe(first);
    await expect(first).resolves.toBe(2);
    expect(counter.calls).toBe(1);
  });

  it('does not cache on the prototype when read through it', () => {
    const Counter = make(() => 'computed');
    expect((Counter.prototype as Counter).value).toBe('computed');
    expect(typeof Object.getOwnPropertyDescriptor(Counter.prototype, 'value')?.get).toBe('function');
    const counter = new Counter(1);
    expect(counter.value).toBe('computed');
    expect(counter.calls).toBe(1);
  });

  it('explains a non-extensible instance instead of failing obscurely', () => {
    const Counter = make(doubled);
    const counter = Object.preventExtensions(new Counter(1));
    let error: unknown;
    try {
      void counter.value;
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/cannot cache 'value' on a frozen, sealed or non-extensible object/);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });
});

describe('cachedProperty misuse', () => {
  const method = function (): number {
    return 1;
  };

  it.each<[string, DecoratorContext]>([
    ['method', { ...getterContext('m'), kind: 'method' } as unknown as DecoratorContext],
    ['field', { ...getterContext('f'), kind: 'field' } as unknown as DecoratorContext],
    ['setter', { ...getterContext('s'), kind: 'setter' } as unknown as DecoratorContext],
    ['accessor', { ...getterContext('a'), kind: 'accessor' } as unknown as DecoratorContext],
    ['class', { kind: 'class', name: 'C', addInitializer: () => undefined, metadata: {} }],
  ])('rejects a standard %s decorator', (kind, context) => {
    const call = (): unknown =>
      (cachedProperty as (value: unknown, context: DecoratorContext) => unknown)(method, context);
    expect(call).toThrow(TypeError);
    expect(call).toThrow(new RegExp(`decorates getters only, but was applied to an? ${kind}`));
  });

  it('rejects a standard private getter', () => {
    const context = { ...getterContext<object, number>('#secret'), private: true };
    expect(() => cachedProperty(method, context)).toThrow(TypeError);
    expect(() => cachedProperty(method, context)).toThrow(/does not support private getters \('#secret'\)/);
  });

  it.each<[string, PropertyDescriptor | undefined]>([
    ['method', { value: method, writable: true, configurable: true }],
    ['setter', { set: () => undefined, configurable: true }],
    ['field', undefined],
    ['field', { value: 3, writable: true }],
  ])('rejects a legacy %s decorator', (kind, descriptor) => {
    const call = (): unknown => cachedProperty({}, 'x', descriptor as PropertyDescriptor);
    expect(call).toThrow(TypeError);
    expect(call).toThrow(new RegExp(`decorates getters only, but was applied to a ${kind} 'x'`));
  });

  it('rejects a call that is not a decorator call at all', () => {
    expect(() => (cachedProperty as (...args: unknown[]) => unknown)(method)).toThrow(/decorates getters only/);
  });

  it('rejects non-getters in real compiled code, in both modes', () => {
    const onMethod = 'class C { @cachedProperty m() { return 1; } }';
    const onField = 'class C { @cachedProperty f = 1; }';
    for (const legacy of [false, true]) {
      expect(() => compile(onMethod, legacy, doubled)).toThrow(/applied to a method 'm'/);
      expect(() => compile(onField, legacy, doubled)).toThrow(/applied to a field 'f'/);
    }
    expect(() => compile('class C { @cachedProperty get #p() { return 1; } }', false, doubled)).toThrow(
      /does not support private getters/,
    );
  });

  it('rejects static getters, by hand and in compiled code', () => {
    const context = { ...getterContext<object, number>('shared'), static: true };
    expect(() => cachedProperty(method, context)).toThrow(/does not support static getters \('shared'\)/);
    class Host {}
    const descriptor: PropertyDescriptor = { get: () => 1, configurable: true };
    expect(() => cachedProperty(Host, 'shared', descriptor)).toThrow(/does not support static getters/);
    for (const legacy of [false, true]) {
      expect(() => compile('class C { @cachedProperty static get s() { return 1; } }', legacy, doubled)).toThrow(
        /does not support static getters \('s'\)/,
      );
    }
  });

  it('works on a legacy getter keyed by a symbol', () => {
    const key = Symbol('lazy');
    let calls = 0;
    const proto = {};
    Object.defineProperty(proto, key, {
      configurable: true,
      get: () => ++calls,
    });
    Object.defineProperty(proto, key, cachedProperty(proto, key, Object.getOwnPropertyDescriptor(proto, key)!));
    const instance = Object.create(proto) as Record<symbol, number>;
    expect(instance[key]).toBe(1);
    expect(instance[key]).toBe(1);
    expect(Object.getOwnPropertyDescriptor(instance, key)?.value).toBe(1);
  });
});

function getterContext<This, Value>(name: string): ClassGetterDecoratorContext<This, Value> {
  return {
    kind: 'getter',
    name,
    static: false,
    private: false,
    access: {
      has: (object) => name in (object as object),
      get: (object) => (object as Record<string, Value>)[name] as Value,
    },
    addInitializer: () => undefined,
    metadata: {},
  };
}

/** Compiles decorator source with TypeScript and runs it; `out.result` is returned. */
function compile(source: string, legacy: boolean, compute: Compute): unknown {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, experimentalDecorators: legacy },
  });
  const out: { result?: unknown } = {};
  new Function('cachedProperty', 'compute', 'out', outputText)(cachedProperty, compute, out);
  return out.result;
}
