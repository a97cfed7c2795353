// @vitest-environment node
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { compareEventIds, laterEventId, listPushStates, PUSH_DATABASE, readPushState, writePushState } from '../../src/core/push-state.js';

const hubUrl = () => `https://app-${Math.random().toString(36).slice(2)}.test/cachette/events`;

describe('push state (IndexedDB, shared by every tab and the worker)', () => {
  it('a hub nobody connected to is a miss; a written state reads back', async () => {
    const url = hubUrl();
    expect(await readPushState(url)).toBeUndefined();
    expect(await writePushState(url, '1700000000000-1', { now: 1000 })).toEqual({ url, lastId: '1700000000000-1', updatedAt: 1000 });
    expect(await readPushState(url)).toEqual({ url, lastId: '1700000000000-1', updatedAt: 1000 });
  });

  it('never moves the id back (a tab and the worker may write concurrently), unless a reset replaces it', async () => {
    const url = hubUrl();
    await writePushState(url, '1700000000000-10', { now: 1 });
    // '…-9' sorts after '…-10' as text: the ids are compared as numbers.
    expect(await writePushState(url, '1700000000000-9', { now: 2 })).toEqual({ url, lastId: '1700000000000-10', updatedAt: 2 });
    await writePushState(url, '', { now: 3 });
    expect((await readPushState(url))?.lastId).toBe('1700000000000-10');
    await Promise.all([writePushState(url, '1700000000001-0'), writePushState(url, '1700000000000-11')]);
    expect((await readPushState(url))?.lastId).toBe('1700000000001-0');
    await writePushState(url, '5-0', { replace: true });
    expect((await readPushState(url))?.lastId).toBe('5-0');
  });

  it('lists every hub, the most recently written first (the worker’s "which hub, from where?")', async () => {
    const [a, b] = [hubUrl(), hubUrl()];
    await writePushState(a, '1-0', { now: Date.now() + 10_000 });
    await writePushState(b, '2-0', { now: Date.now() + 20_000 });
    const states = await listPushStates();
    expect(states.slice(0, 2)).toEqual([
      { url: b, lastId: '2-0', updatedAt: expect.any(Number) },
      { url: a, lastId: '1-0', updatedAt: expect.any(Number) },
    ]);
  });

  it('a record of the wrong shape is a miss, and is overwritten by the next write', async () => {
    const url = hubUrl();
    const db = await openDB(PUSH_DATABASE);
    await db.put('hubs', { url, lastId: 42 });
    db.close();
    expect(await readPushState(url)).toBeUndefined();
    expect((await listPushStates()).some((s) => s.url === url)).toBe(false);
    await writePushState(url, '3-0', { now: 5 });
    expect(await readPushState(url)).toEqual({ url, lastId: '3-0', updatedAt: 5 });
  });

  it('rejects bad arguments with a TypeError naming them', async () => {
    await expect(readPushState('' as string)).rejects.toThrow(/readPushState takes the hub's absolute URL/);
    await expect(writePushState(hubUrl(), 7 as unknown as string)).rejects.toThrow(/lastId must be an event id/);
    await expect(writePushState(hubUrl(), '1-0', { replace: 'yes' as unknown as boolean })).rejects.toThrow(/replace must be a boolean/);
    await expect(writePushState(hubUrl(), '1-0', { now: Number.NaN })).rejects.toThrow(TypeError);
  });

  it('orders ids as Redis stream ids: by milliseconds, then sequence, numerically; none first', () => {
    expect(compareEventIds('1700000000000-10', '1700000000000-9')).toBeGreaterThan(0);
    expect(compareEventIds('999-5', '1000-0')).toBeLessThan(0);
    expect(compareEventIds('', '0-0')).toBeLessThan(0);
    expect(compareEventIds('7-7', '7-7')).toBe(0);
    expect(laterEventId('1700000000000-9', '1700000000000-10')).toBe('1700000000000-10');
    expect(laterEventId('12-0', '')).toBe('12-0');
    // Another scheme still moves forward: longer digit strings are later.
    expect(compareEventIds('100', '99')).toBeGreaterThan(0);
  });
});
