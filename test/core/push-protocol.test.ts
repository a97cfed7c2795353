/** The protocol's messages about pushed invalidations: built by `message()`, checked by the one guard. */
import { describe, expect, it } from 'vitest';
import { message, parseMessage, PROTOCOL_VERSION, type Message } from '../../src/core/protocol.js';

const hub = 'https://app.test/cachette/events';

describe('push messages', () => {
  it('round-trips push-status, push-status-request and an invalidate’s push origin', () => {
    const bodies: Message[] = [
      { type: 'push-status', hub, status: 'ready', lastId: '1700000000000-3' },
      { type: 'push-status', hub, status: 'refused', lastId: '' },
      { type: 'push-status-request', hub },
      { type: 'invalidate', id: '1700000000000-3', target: { keys: ['a'] }, applied: [], pushed: { hub, id: '1700000000000-3' } },
    ];
    for (const body of bodies) {
      expect(parseMessage(message(body))).toEqual({ ...body, cachette: PROTOCOL_VERSION });
    }
  });

  it('drops malformed ones', () => {
    const v = { cachette: PROTOCOL_VERSION };
    for (const bad of [
      { ...v, type: 'push-status', hub, status: 'maybe', lastId: '' },
      { ...v, type: 'push-status', hub: '', status: 'ready', lastId: '' },
      { ...v, type: 'push-status', hub, status: 'ready', lastId: 'x'.repeat(65) },
      { ...v, type: 'push-status', hub, status: 'ready' },
      { ...v, type: 'push-status-request', hub: 42 },
      { ...v, type: 'push-status-request', hub: 'h'.repeat(3000) },
      { ...v, type: 'invalidate', id: '1-0', target: { keys: ['a'] }, pushed: { hub } },
      { ...v, type: 'invalidate', id: '1-0', target: { keys: ['a'] }, pushed: 'yes' },
    ]) {
      expect(parseMessage(bad), JSON.stringify(bad).slice(0, 120)).toBeUndefined();
    }
  });
});
