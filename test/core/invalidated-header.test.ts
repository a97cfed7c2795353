/**
 * The `Cachette-Invalidated` header, written by the hub (or by hand, from Django) and read
 * by the worker: each value round-trips, several values survive HTTP joining them with
 * commas, and a part that is not an event is skipped with a sentence naming it.
 */
import { describe, expect, it } from 'vitest';
import { invalidatedHeaderValue, parseInvalidatedHeader } from '../../src/core/invalidated-header.js';

describe('Cachette-Invalidated', () => {
  it('round-trips events, joined as HTTP joins a repeated header', () => {
    const a = invalidatedHeaderValue('1732-0', '/cachette/events', '{"tags":["authors"]}');
    const b = invalidatedHeaderValue('1732-1', '/hub, with comma/é', JSON.stringify({ keys: ['a b,c', 'ü'], cache: 'x' }));
    expect(a).toBe('1732-0 /cachette/events %7B%22tags%22%3A%5B%22authors%22%5D%7D');
    expect(b).not.toMatch(/[ ,].*[ ,].*[ ,]/);
    expect(parseInvalidatedHeader(`${a}, ${b}`)).toEqual({
      events: [
        { id: '1732-0', hubPath: '/cachette/events', target: { tags: ['authors'] } },
        { id: '1732-1', hubPath: '/hub%2C%20with%20comma/%C3%A9', target: { keys: ['a b,c', 'ü'], cache: 'x' } },
      ],
      problems: [],
    });
  });

  it('reads what Python writes: quote(json.dumps(target), safe="")', () => {
    // urllib.parse.quote('{"prefix": "template.cache.sidebar."}', safe='')
    const django = '5-0 /cachette/events %7B%22prefix%22%3A%20%22template.cache.sidebar.%22%7D';
    expect(parseInvalidatedHeader(django).events).toEqual([{ id: '5-0', hubPath: '/cachette/events', target: { prefix: 'template.cache.sidebar.' } }]);
  });

  it('skips each part that is not an event, saying why, and keeps the others', () => {
    const good = invalidatedHeaderValue('9-9', '/e', '{"all":true}');
    const { events, problems } = parseInvalidatedHeader(
      ['1-0 /e', `${'x'.repeat(65)} /e %7B%7D`, '1-0 e %7B%22all%22%3Atrue%7D', '1-0 /e %7Bnot', '1-0 /e %7B%22nope%22%3A1%7D', good, ''].join(', '),
    );
    expect(events).toEqual([{ id: '9-9', hubPath: '/e', target: { all: true } }]);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/Cachette-Invalidated value "1-0 \/e" is not '<event id> <hub path> <target JSON, percent-encoded>'/);
    expect(problems[1]).toMatch(/the event id is longer than 64 characters/);
    expect(problems[2]).toMatch(/the hub path must start with '\/'/);
    expect(problems[3]).toMatch(/the target is not percent-encoded JSON/);
    expect(problems[4]).toMatch(/nope/);
  });
});
