import { describe, expect, it } from 'vitest';
import { fromStorable, toStorable } from '../../src/sw/stored-response.js';

const original = () => new Response('hello body', { status: 200, statusText: 'OK', headers: { 'content-type': 'text/plain', 'x-a': '1' } });

describe('stored responses', () => {
  for (const native of [false, true]) {
    it(`round-trips status, headers, body and store time (${native ? 'native Response' : 'record'})`, async () => {
      const stored = await toStorable(original(), 1234, native);
      expect(stored instanceof Response).toBe(native);
      const restored = fromStorable(stored);
      expect(restored?.storedAt).toBe(1234);
      expect(restored?.response.status).toBe(200);
      expect(restored?.response.headers.get('x-a')).toBe('1');
      expect(restored?.response.headers.has('cachette-stored-at')).toBe(false);
      expect(await restored?.response.text()).toBe('hello body');
    });
  }

  it('answers HEAD without a body', async () => {
    const restored = fromStorable(await toStorable(original(), 1, false), 'HEAD');
    expect(await restored?.response.text()).toBe('');
    expect(restored?.response.headers.get('content-type')).toBe('text/plain');
  });

  it('treats anything else as no response (a corrupt entry is a miss)', () => {
    for (const junk of [null, 'text', { status: 200 }, { status: 0, statusText: '', headers: [], body: new ArrayBuffer(0), storedAt: 1 }, { status: 200, statusText: '', headers: [[1, 2]], body: new ArrayBuffer(0), storedAt: 1 }]) {
      expect(fromStorable(junk)).toBeUndefined();
    }
  });
});

describe('stored response sizes', () => {
  it('count the body bytes, for records and for native responses', async () => {
    const { estimateSize } = await import('../../src/core/size.js');
    const body = 'x'.repeat(5000);
    const record = await toStorable(new Response(body), 1, false);
    expect(estimateSize(record)).toBeGreaterThanOrEqual(5000);
    const native = await toStorable(new Response(body), 1, true);
    expect(estimateSize(native)).toBe(5000);
  });
});
