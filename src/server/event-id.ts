/**
 * Event ids in the Redis-stream style, `<milliseconds>-<sequence>`, each part an unsigned
 * 64-bit integer. Ids are kept as normalized strings (no leading zeros) and compared
 * numerically part by part, so `'10-0'` comes after `'9-0'` and `'1-10'` after `'1-9'`.
 * `'0-0'` is the id before every event: no event ever has it (Redis refuses it too).
 */

/** The id before every event: "nothing yet". */
export const NO_EVENT = '0-0';

const ID = /^(\d{1,20})-(\d{1,20})$/;
const U64_MAX = 18_446_744_073_709_551_615n;

/**
 * The id in normal form, or `undefined` when `text` is not a full `<ms>-<seq>` id.
 * @example parseEventId('1700000000000-07') // '1700000000000-7'
 */
export function parseEventId(text: string): string | undefined {
  const match = ID.exec(text);
  if (!match) return undefined;
  const ms = BigInt(match[1] as string);
  const seq = BigInt(match[2] as string);
  if (ms > U64_MAX || seq > U64_MAX) return undefined;
  return `${ms}-${seq}`;
}

/**
 * Negative, zero or positive as `a` comes before, is, or comes after `b` (ids in normal form).
 * @example compareEventIds('9-0', '10-0') < 0 // true
 */
export function compareEventIds(a: string, b: string): number {
  const [aMs, aSeq] = split(a);
  const [bMs, bSeq] = split(b);
  return compareDigits(aMs, bMs) || compareDigits(aSeq, bSeq);
}

/**
 * The smallest id after `id`: nothing can be published between the two.
 * @example nextEventId('5-3') // '5-4'
 */
export function nextEventId(id: string): string {
  const [ms, seq] = split(id);
  const s = BigInt(seq);
  return s === U64_MAX ? `${BigInt(ms) + 1n}-0` : `${ms}-${s + 1n}`;
}

/**
 * Issues ids that always increase: the clock's milliseconds, never going back before the
 * last id issued (a clock set back, or many ids in one millisecond, bump the sequence).
 * Starting at the clock's time means a hub restarted later issues ids after the old ones.
 * @example const ids = new EventIdSequence(Date.now()); ids.next(Date.now()) // '1700000000000-0'
 */
export class EventIdSequence {
  #ms: number;
  // `<startMs>-0` is the start position itself (what an empty memory log reports): the first id comes after it.
  #seq = 0;

  /** `startMs`: every id comes after `<startMs>-0`. */
  constructor(startMs: number) {
    this.#ms = Math.max(0, Math.floor(startMs));
  }

  /** The next id, at `nowMs` or later. */
  next(nowMs: number): string {
    const now = Number.isFinite(nowMs) ? Math.floor(nowMs) : this.#ms;
    if (now > this.#ms) {
      this.#ms = now;
      this.#seq = 0;
    } else {
      this.#seq += 1;
    }
    return `${this.#ms}-${this.#seq}`;
  }
}

function split(id: string): [string, string] {
  const dash = id.indexOf('-');
  return [id.slice(0, dash), id.slice(dash + 1)];
}

// Normal-form decimal strings: the longer is larger; equal lengths compare as text.
function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
