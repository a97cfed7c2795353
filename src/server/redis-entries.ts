/**
 * Reading Redis stream replies (RESP2 arrays, as `sendCommand` returns them) into events.
 * Anyone may write to the stream (Django, a shell, another hub), so every entry is checked
 * like a publish: a bad one is skipped with a reason, never delivered, never thrown.
 */
import type { BrokerEvent } from './broker.js';
import { parseEventId } from './event-id.js';
import { checkAudience, checkPushedTarget } from './pushed-target.js';
import { invalidateFrame } from './sse-frames.js';

/** One stream entry: its id and its field/value pairs, flat. */
export interface StreamEntry {
  id: string;
  fields: readonly unknown[];
}

/** What `XINFO STREAM` says about a stream's ends. */
export interface StreamEnds {
  /** The oldest entry kept, if any. */
  first: string | undefined;
  /** The newest id ever added (kept or not). */
  last: string;
  /** Redis >= 7.0: the newest id removed by `XDEL` (trimming does not count), and how many entries were ever added and removed. */
  removed?: { maxDeleted: string; count: number };
}

/**
 * The entries of an `XRANGE` reply (or of one stream in an `XREAD` reply).
 * @example parseEntries([['1-0', ['target', '{"all":true}']]]) // [{ id: '1-0', fields: [...] }]
 */
export function parseEntries(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const entries: StreamEntry[] = [];
  for (const item of reply) {
    if (!Array.isArray(item)) continue;
    const id = typeof item[0] === 'string' ? parseEventId(item[0]) : undefined;
    if (id === undefined) continue;
    entries.push({ id, fields: Array.isArray(item[1]) ? item[1] : [] });
  }
  return entries;
}

/**
 * The entries of an `XREAD` reply for one stream (`null` when it timed out).
 * @example parseXRead([['cachette:invalidations', [['1-0', ['target', '{"all":true}']]]]])
 */
export function parseXRead(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const stream: unknown = reply[0];
  return Array.isArray(stream) ? parseEntries(stream[1]) : [];
}

/**
 * The ends of a stream from an `XINFO STREAM` reply, or `undefined` if it makes no sense.
 * @example parseStreamEnds(['length', 0, 'last-generated-id', '5-0', 'first-entry', null])
 */
export function parseStreamEnds(reply: unknown): StreamEnds | undefined {
  if (!Array.isArray(reply)) return undefined;
  let last: string | undefined;
  let first: string | undefined;
  let maxDeleted: string | undefined;
  let added: number | undefined;
  let length: number | undefined;
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const value: unknown = reply[i + 1];
    if (reply[i] === 'last-generated-id' && typeof value === 'string') last = parseEventId(value);
    if (reply[i] === 'max-deleted-entry-id' && typeof value === 'string') maxDeleted = parseEventId(value);
    if (reply[i] === 'entries-added' && typeof value === 'number') added = value;
    if (reply[i] === 'length' && typeof value === 'number') length = value;
    if (reply[i] === 'first-entry') first = parseEntries([value])[0]?.id;
  }
  if (last === undefined) return undefined;
  if (maxDeleted === undefined || added === undefined || length === undefined) return { first, last };
  return { first, last, removed: { maxDeleted, count: added - length } };
}

/**
 * The entry as an event, or why it cannot be one.
 * @example toEvent({ id: '1-0', fields: ['target', '{"tags":["authors"]}'] })
 */
export function toEvent(entry: StreamEntry): BrokerEvent | { error: string } {
  const target = field(entry.fields, 'target');
  if (target === undefined) return { error: "it has no 'target' field" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(target);
  } catch {
    return { error: "its 'target' field is not JSON" };
  }
  // Re-serialized: the wire gets one-line JSON whatever the writer sent (pretty-printed, say).
  const data = checkPushedTarget(parsed);
  if (typeof data !== 'string') return { error: `its target is not valid: ${data.error}` };
  const rawAudience = field(entry.fields, 'audience');
  let audience: string[] | undefined;
  if (rawAudience !== undefined) {
    let list: unknown;
    try {
      list = JSON.parse(rawAudience);
    } catch {
      list = rawAudience;
    }
    // A private event with an unreadable audience is dropped: sending it to everyone would leak it.
    const checked = Array.isArray(list) ? checkAudience(list) : { error: `audience must be a JSON array like ["user:42"]` };
    if (!Array.isArray(checked)) return { error: `its 'audience' field is not valid: ${checked.error}` };
    audience = checked;
  }
  return { id: entry.id, frame: invalidateFrame(entry.id, data), audience };
}

function field(fields: readonly unknown[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value = fields[i + 1];
    if (fields[i] === name) return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}
