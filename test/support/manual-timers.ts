/**
 * Timers that fire only when a test says so, for the delays that matter (backoff, the
 * refusal's minute, the watchdog): the test reads which delays were asked and fires one.
 */
import type { Timers } from '../../src/page/push-connection.js';

export interface ManualTimers extends Timers {
  /** Every delay asked, in order (fired, cleared or pending). */
  asked: number[];
  /** The delays pending now, oldest first. */
  pending(): number[];
  /** Fires the newest pending timer whose delay passes `match`; false when none does. */
  fire(match: number | ((ms: number) => boolean)): boolean;
}

export function manualTimers(): ManualTimers {
  let next = 1;
  const timers = new Map<number, { ms: number; callback: () => void }>();
  const asked: number[] = [];
  return {
    asked,
    setTimeout(callback, ms) {
      const id = next++;
      timers.set(id, { ms, callback });
      asked.push(ms);
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    pending: () => [...timers.values()].map((t) => t.ms),
    fire(match) {
      const test = typeof match === 'number' ? (ms: number) => ms === match : match;
      const found = [...timers.entries()].reverse().find(([, t]) => test(t.ms));
      if (!found) return false;
      timers.delete(found[0]);
      found[1].callback();
      return true;
    },
  };
}
