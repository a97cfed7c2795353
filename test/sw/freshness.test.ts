// Stale windows and what a found entry allows: pure functions of the stored facts and the clock.
import { describe, expect, it } from 'vitest';
import { entryState, FRESHNESS_HEADER, servesOnError, staleWindows, storageSeconds, takeFreshness, writeFreshness } from '../../src/sw/freshness.js';

const none = { staleWhileRevalidate: 0, staleIfError: 0 };

describe('staleWindows', () => {
  const cc = (value: string) => new Headers({ 'Cache-Control': value });

  it('cacheSite: the response’s RFC 5861 directives override the options, as its max-age overrides seconds', () => {
    const site = { kind: 'site', seconds: 600 } as const;
    expect(staleWindows(site, { staleWhileRevalidate: 5, staleIfError: 7 }, cc('max-age=60, stale-while-revalidate=30, stale-if-error=86400'))).toEqual({ staleWhileRevalidate: 30, staleIfError: 86400 });
    expect(staleWindows(site, { staleWhileRevalidate: 5, staleIfError: 7 }, cc('max-age=60'))).toEqual({ staleWhileRevalidate: 5, staleIfError: 7 });
    // Not delta-seconds: ignored, the option stands.
    expect(staleWindows(site, { staleWhileRevalidate: 5, staleIfError: 7 }, cc('stale-if-error=1.5, stale-while-revalidate'))).toEqual({ staleWhileRevalidate: 5, staleIfError: 7 });
  });

  it('a route’s options win over the directives, as its TTL wins over max-age', () => {
    expect(staleWindows({ kind: 'route', seconds: 60 }, none, cc('stale-while-revalidate=30, stale-if-error=60'))).toEqual(none);
  });
});

describe('storageSeconds', () => {
  it('keeps an entry for its freshness plus the longer window, for good with a validator or a null TTL', () => {
    expect(storageSeconds(60, none, false)).toBe(60);
    expect(storageSeconds(60, { staleWhileRevalidate: 30, staleIfError: 600 }, false)).toBe(660);
    expect(storageSeconds(60, { staleWhileRevalidate: 30, staleIfError: 0 }, false)).toBe(90);
    expect(storageSeconds(60, none, true)).toBeNull();
    expect(storageSeconds(null, { staleWhileRevalidate: 30, staleIfError: 0 }, false)).toBeNull();
  });
});

describe('entryState and servesOnError', () => {
  const f = { freshUntil: 10_000, staleWhileRevalidate: 5, staleIfError: 20 };

  it('fresh, then stale within staleWhileRevalidate, then the network (within staleIfError or with a validator), then unusable', () => {
    expect(entryState(f, 9_999, false)).toBe('fresh');
    expect(entryState(f, 10_000, false)).toBe('stale');
    expect(entryState(f, 14_999, false)).toBe('stale');
    expect(entryState(f, 15_000, false)).toBe('network');
    expect(entryState(f, 29_999, false)).toBe('network');
    expect(entryState(f, 30_000, false)).toBe('unusable');
    expect(entryState(f, 1e12, true)).toBe('network');
    expect(entryState({ ...f, freshUntil: Infinity }, 1e12, false)).toBe('fresh');
    expect(entryState({ freshUntil: 10_000, ...none }, 10_000, false)).toBe('unusable');
  });

  it('answers for a failed network only until staleIfError has passed', () => {
    expect(servesOnError(f, 29_999)).toBe(true);
    expect(servesOnError(f, 30_000)).toBe(false);
    expect(servesOnError({ freshUntil: 10_000, ...none }, 10_001)).toBe(false);
  });
});

describe('the freshness header', () => {
  it('round-trips, and is removed when read', () => {
    const headers = new Headers({ 'Content-Type': 'text/plain' });
    writeFreshness(headers, { freshUntil: 1_700_000_000_123, staleWhileRevalidate: 30, staleIfError: 1.5 });
    expect(takeFreshness(headers, 5)).toEqual({ freshUntil: 1_700_000_000_123, staleWhileRevalidate: 30, staleIfError: 1.5 });
    expect(headers.has(FRESHNESS_HEADER)).toBe(false);
    writeFreshness(headers, { freshUntil: Infinity, ...none });
    expect(takeFreshness(headers, 5).freshUntil).toBe(Infinity);
  });

  it('an entry without it (stored before, or opaque) is fresh until its backend expiry; a garbled one too', () => {
    expect(takeFreshness(new Headers(), 1234)).toEqual({ freshUntil: 1234, ...none });
    expect(takeFreshness(new Headers({ [FRESHNESS_HEADER]: 'fresh-until=abc, swr=-1' }), 1234)).toEqual({ freshUntil: 1234, ...none });
  });
});
