// @vitest-environment node
// Node's own Request (undici) keeps the cache mode; happy-dom's does not.
import { describe, expect, it } from 'vitest';
import { networkRequest } from '../../src/sw/network-request.js';

describe('networkRequest: what fills an entry never comes from the HTTP cache beneath', () => {
  it('revalidates with the origin (no-cache) instead of the default mode', () => {
    const request = networkRequest(new Request('https://app.test/api/authors/1', { headers: { 'X-Lang': 'fr' } }));
    expect(request.cache).toBe('no-cache');
    expect(request.url).toBe('https://app.test/api/authors/1');
    expect(request.headers.get('x-lang')).toBe('fr');
  });

  it('turns force-cache and only-if-cached into no-cache too', () => {
    expect(networkRequest(new Request('https://app.test/a', { cache: 'force-cache' })).cache).toBe('no-cache');
  });

  it('keeps a page’s stricter mode (no-store, reload) as it is', () => {
    for (const cache of ['no-store', 'reload', 'no-cache'] as const) {
      const request = new Request('https://app.test/a', { cache });
      expect(networkRequest(request)).toBe(request);
    }
  });
});
