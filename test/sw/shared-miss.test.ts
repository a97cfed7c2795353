import { describe, expect, it } from 'vitest';
import { joinMiss, leadMiss, sharedToResponse, type SharedResponse } from '../../src/sw/shared-miss.js';

const parts = (text: string): SharedResponse => ({
  status: 200,
  statusText: 'OK',
  headers: new Headers({ 'Content-Type': 'text/plain', 'Cache-Control': 'max-age=600' }),
  body: new Blob([text]),
  storedAt: 1_000,
  vary: [],
  varyHash: 'h',
});

describe('a shared miss (Varnish’s waiting list, nginx’s proxy_cache_lock)', () => {
  it('followers get the leader’s response; nothing to join once it is written', async () => {
    const lead = leadMiss('k1', 0);
    const followers = [joinMiss('k1', 0), joinMiss('k1', 0)];
    lead.settle(parts('body'));
    for (const follower of followers) {
      const shared = await follower;
      expect(shared).toBeDefined();
      expect(await sharedToResponse(shared!, 'GET').text()).toBe('body');
    }
    // The very next request after the response, while the store is still in flight, joins too.
    expect(joinMiss('k1', 0)).toBeDefined();
    lead.finish();
    expect(joinMiss('k1', 0)).toBeUndefined();
  });

  it('a follower waits at most its bound (nginx’s proxy_cache_lock_timeout), then fetches itself', async () => {
    const lead = leadMiss('k2', 0);
    await expect(joinMiss('k2', 0, 20)).resolves.toBeUndefined();
    lead.finish();
  });

  it('a request after an invalidation does not join a miss begun before it', () => {
    const lead = leadMiss('k3', 4);
    expect(joinMiss('k3', 5)).toBeUndefined();
    lead.finish();
  });

  it('a leader that fails or does not store frees its followers at once', async () => {
    const lead = leadMiss('k4', 0);
    const follower = joinMiss('k4', 0);
    lead.finish();
    await expect(follower).resolves.toBeUndefined();
  });

  it('a follower’s answer is a cached one: it carries Age, as a hit does', () => {
    expect(sharedToResponse(parts('body'), 'GET', 3_500).headers.get('age')).toBe('2');
    expect(sharedToResponse(parts('body'), 'GET', 900).headers.get('age')).toBe('0');
  });

  it('HEAD followers get the headers without a body', async () => {
    const response = sharedToResponse(parts('body'), 'HEAD');
    expect(response.body).toBeNull();
    expect(response.headers.get('cache-control')).toBe('max-age=600');
  });
});
