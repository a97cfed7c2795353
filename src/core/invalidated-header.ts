/**
 * The `Cachette-Invalidated` response header: the events a request's own change published,
 * told to the browser that made the change in the response to it. The worker applies them
 * before the page sees the response (as `invalidatedBy` does), under the same id the pushed
 * copy will carry, so the copy arriving over the event stream is recognised and not applied
 * twice. One value per event: `<event id> <hub path> <target JSON, percent-encoded>`;
 * several events are several values (joined with `, `, as HTTP joins repeated headers).
 * The encoding keeps spaces and commas out of each part, so any server can write it:
 * Python's `urllib.parse.quote(json, safe='')` or JavaScript's `encodeURIComponent`.
 */
import { checkTarget, type InvalidateTarget } from './invalidate-target.js';

/** The header's name, as the hub writes it. */
export const INVALIDATED_HEADER = 'Cachette-Invalidated';

/** One event a response announces. */
export interface AnnouncedEvent {
  /** The event's id at the hub. */
  id: string;
  /** The path the hub serves its stream at, like `/cachette/events` (percent-encoded, as in a URL). */
  hubPath: string;
  target: InvalidateTarget;
}

const MAX_ID = 64;

/**
 * One value of the header.
 * @example invalidatedHeaderValue('1732-0', '/cachette/events', '{"tags":["authors"]}')
 * // '1732-0 /cachette/events %7B%22tags%22%3A%5B%22authors%22%5D%7D'
 */
export function invalidatedHeaderValue(id: string, hubPath: string, targetJson: string): string {
  return `${id} ${encodeURI(hubPath).replaceAll(',', '%2C')} ${encodeURIComponent(targetJson)}`;
}

/**
 * The events a header announces, and a sentence for each part that is not one (skipped).
 * @example parseInvalidatedHeader('1732-0 /cachette/events %7B%22all%22%3Atrue%7D').events[0].target // { all: true }
 */
export function parseInvalidatedHeader(value: string): { events: AnnouncedEvent[]; problems: string[] } {
  const events: AnnouncedEvent[] = [];
  const problems: string[] = [];
  for (const part of value.split(',')) {
    const text = part.trim();
    if (text === '') continue;
    const fields = text.split(/\s+/);
    const [id = '', hubPath = '', encoded = ''] = fields;
    const where = `${INVALIDATED_HEADER} value ${JSON.stringify(text.slice(0, 200))}`;
    if (fields.length !== 3) {
      problems.push(`${where} is not '<event id> <hub path> <target JSON, percent-encoded>'`);
      continue;
    }
    if (id.length > MAX_ID) {
      problems.push(`${where}: the event id is longer than ${MAX_ID} characters`);
      continue;
    }
    if (!hubPath.startsWith('/')) {
      problems.push(`${where}: the hub path must start with '/', like /cachette/events`);
      continue;
    }
    let target: unknown;
    try {
      target = JSON.parse(decodeURIComponent(encoded));
    } catch {
      problems.push(`${where}: the target is not percent-encoded JSON`);
      continue;
    }
    const checked = checkTarget(target);
    if (typeof checked === 'string') {
      problems.push(`${where}: ${checked}`);
      continue;
    }
    events.push({ id, hubPath, target: checked });
  }
  return { events, problems };
}
