/**
 * Event ids: parsed strictly, compared numerically on both parts, always increasing, also
 * across a restart of a memory hub and when the clock stands still or goes back.
 */
import { describe, expect, it } from 'vitest';
import { compareEventIds, EventIdSequence, nextEventId, parseEventId } from '../../src/server/event-id.js';
import { serveHub } from './support/hub-server.js';

describe('event ids', () => {
  it('parses full <ms>-<seq> ids into normal form and rejects everything else', () => {
    expect(parseEventId('1700000000000-0')).toBe('1700000000000-0');
    expect(parseEventId('0017-007')).toBe('17-7');
    expect(parseEventId('18446744073709551615-18446744073709551615')).toBe('18446744073709551615-18446744073709551615');
    for (const bad of ['', '12', '1-', '-1', '1-2-3', ' 1-2', '1-2 ', 'a-1', '1.5-0', '18446744073709551616-0', '1-18446744073709551616']) {
      expect(parseEventId(bad), bad).toBeUndefined();
    }
  });

  it('compares both parts numerically, not as text', () => {
    expect(compareEventIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareEventIds('1-9', '1-10')).toBeLessThan(0);
    expect(compareEventIds('2-0', '1-99')).toBeGreaterThan(0);
    expect(compareEventIds('5-5', '5-5')).toBe(0);
    expect(['10-0', '9-1', '9-10', '100-0', '9-2'].sort(compareEventIds)).toEqual(['9-1', '9-2', '9-10', '10-0', '100-0']);
  });

  it('knows the id right after another', () => {
    expect(nextEventId('5-3')).toBe('5-4');
    expect(nextEventId('5-18446744073709551615')).toBe('6-0');
  });

  it('never goes back: a clock standing still bumps the sequence, a clock set back is ignored', () => {
    const ids = new EventIdSequence(1_000);
    const issued = [1_000, 1_000, 1_000, 999, 500, 1_001, 1_001].map((now) => ids.next(now));
    // '1000-0' is the start position (an empty memory log's), never an event's id.
    expect(issued).toEqual(['1000-1', '1000-2', '1000-3', '1000-4', '1000-5', '1001-0', '1001-1']);
    const many = Array.from({ length: 12 }, () => ids.next(1_001));
    expect(many.at(-1)).toBe('1001-13');
    for (let i = 1; i < many.length; i += 1) expect(compareEventIds(many[i - 1] as string, many[i] as string)).toBeLessThan(0);
  });

  it('a memory hub restarted later issues ids after the old ones, and resets clients of the old one', async () => {
    let now = Date.UTC(2026, 0, 1);
    const clock = { now: () => now };
    const old = await serveHub({ clock });
    const oldIds = [await old.hub.publish({ tags: ['a'] }), await old.hub.publish({ tags: ['b'] })];
    expect(oldIds).toEqual([`${now}-1`, `${now}-2`]);
    await old.hub.close();
    now += 1; // the next process starts at least a millisecond later
    const restarted = await serveHub({ clock });
    const stream = await restarted.open('', { 'Last-Event-ID': oldIds[1] as string });
    const reset = await stream.next('reset');
    // The restarted hub's position: its start.
    expect(reset).toEqual({ id: `${now}-0`, event: 'reset', data: '{"reason":"gap"}' });
    const id = await restarted.hub.publish({ tags: ['c'] });
    expect(compareEventIds(oldIds[1] as string, id)).toBeLessThan(0);
    expect((await stream.next('invalidate')).id).toBe(id);
  });
});
