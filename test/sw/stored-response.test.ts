// @vitest-environment node
// Node's own Request, Response and Blob, as the worker has them (happy-dom's Blob is not the one Response.blob() makes).
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineCaches } from '../../src/index.js';
import { respondWithCache, type CachedRoute } from '../../src/sw/respond-with-cache.js';
import { fromStorable, toStorable } from '../../src/sw/stored-response.js';

const original = () => new Response('hello body', { status: 200, statusText: 'OK', headers: { 'content-type': 'text/plain', 'x-a': '1' } });

describe('stored responses', () => {
  for (const native of [false, true]) {
    it(`round-trips status, headers, body and store time (${native ? 'native Response' : 'record'})`, async () => {
      const stored = await toStorable(original(), native);
      expect(stored instanceof Response).toBe(native);
      const restored = fromStorable({ value: stored, stored: 1234 });
      expect(restored?.storedAt).toBe(1234);
      expect(restored?.response.status).toBe(200);
      expect(restored?.response.headers.get('x-a')).toBe('1');
      expect(restored?.response.headers.has('cachette-stored-at')).toBe(false);
      expect(await restored?.response.text()).toBe('hello body');
    });
  }

  it('keeps the store time in the entry only: the stored value carries none of its own', async () => {
    const native = (await toStorable(original(), true)) as Response;
    expect(native.headers.has('cachette-stored-at')).toBe(false);
    const record = await toStorable(original(), false);
    expect(record).not.toHaveProperty('storedAt');
  });

  it('reads entries written by the previous version (no `stored`): the time kept in the value', async () => {
    // What 0.x stored: the time in a `cachette-stored-at` header, or in the record.
    const headers = { 'content-type': 'text/plain', 'cachette-stored-at': '1234' };
    const oldNative = fromStorable({ value: new Response('old body', { headers }) });
    expect(oldNative?.storedAt).toBe(1234);
    expect(oldNative?.response.headers.has('cachette-stored-at')).toBe(false);
    expect(await oldNative?.response.text()).toBe('old body');
    const oldHead = fromStorable({ value: new Response('old body', { headers }) }, 'HEAD');
    expect(oldHead?.response.headers.has('cachette-stored-at')).toBe(false);
    const oldRecord = { status: 200, statusText: 'OK', headers: [['x-a', '1']], body: new Blob(['old record']), storedAt: 5678 };
    const restored = fromStorable({ value: oldRecord });
    expect(restored?.storedAt).toBe(5678);
    expect(await restored?.response.text()).toBe('old record');
  });

  it('without any store time (a backend that drops `stored`), counts the response as stored now', async () => {
    for (const native of [false, true]) {
      const before = Date.now();
      const restored = fromStorable({ value: await toStorable(original(), native) });
      expect(restored?.storedAt).toBeGreaterThanOrEqual(before);
      expect(restored?.storedAt).toBeLessThanOrEqual(Date.now());
    }
  });

  it('answers HEAD without a body', async () => {
    const restored = fromStorable({ value: await toStorable(original(), false) }, 'HEAD');
    expect(await restored?.response.text()).toBe('');
    expect(restored?.response.headers.get('content-type')).toBe('text/plain');
  });

  it('treats anything else as no response (a corrupt entry is a miss)', () => {
    for (const junk of [null, 'text', { status: 200 }, { status: 0, statusText: '', headers: [], body: new ArrayBuffer(0), storedAt: 1 }, { status: 200, statusText: '', headers: [[1, 2]], body: new ArrayBuffer(0), storedAt: 1 }]) {
      expect(fromStorable({ value: junk })).toBeUndefined();
    }
  });
});

describe('stored response sizes', () => {
  it('count the body bytes, for records and for native responses', async () => {
    const { estimateSize } = await import('../../src/core/size.js');
    const body = 'x'.repeat(5000);
    const record = await toStorable(new Response(body), false);
    expect(estimateSize(record)).toBeGreaterThanOrEqual(5000);
    const native = await toStorable(new Response(body), true);
    expect(estimateSize(native)).toBe(5000);
  });
});

describe('the Age of a hit', () => {
  afterEach(() => vi.unstubAllGlobals());

  for (const backend of ['memory', 'idb'] as const) {
    it(`comes from the entry's store time, as the cache's clock gave it (${backend})`, async () => {
      // The cache's clock runs 42 s behind the worker's: the entry says it was stored 42 s ago.
      defineCaches({ default: { backend, location: `age-${Math.random()}` } }, { clock: { now: () => Date.now() - 42_000 } });
      vi.stubGlobal('fetch', vi.fn(async () => new Response('fresh')));
      const route: CachedRoute = { id: 'route:age', cache: 'default', keyPrefix: '', timeout: { kind: 'route', seconds: 600 }, tags: [], opaque: false };
      const writes: Promise<unknown>[] = [];
      const event = { waitUntil: (p: Promise<unknown>) => void writes.push(p) };
      const miss = await respondWithCache(new Request('https://app.test/age'), event, route);
      expect(miss.headers.has('age')).toBe(false);
      await miss.text();
      await Promise.all(writes);
      const hit = await respondWithCache(new Request('https://app.test/age'), event, route);
      expect(await hit.text()).toBe('fresh');
      expect(Number(hit.headers.get('age'))).toBeGreaterThanOrEqual(42);
      expect(Number(hit.headers.get('age'))).toBeLessThan(45);
    });
  }
});
