/**
 * What may travel from the server to browsers: an invalidation target as `invalidate`
 * takes it, with route patterns as strings only (a RegExp cannot travel as JSON), and an
 * optional audience. One check for `publish` (a TypeError) and for stream entries written
 * by others (skipped and reported).
 */
import { checkTarget, type InvalidateTarget } from '../core/invalidate-target.js';
import { describe } from '../core/options.js';

/** A target that can be pushed: `routes` are path patterns like `'/api/authors/:id'`. */
export type PushedTarget = Omit<InvalidateTarget, 'routes'> & { routes?: string[] };

/** Who an event is for: a user's id, a group, or several. */
export type Audience = string | readonly string[];

const MAX_AUDIENCES = 1_000;

/**
 * The target as one-line JSON, or `{ error }`: a sentence saying what is wrong with it.
 * @example const data = checkPushedTarget({ tags: ['authors'] }); // '{"tags":["authors"]}'
 */
export function checkPushedTarget(raw: unknown): string | { error: string } {
  const checked = checkTarget(raw);
  if (typeof checked === 'string') return { error: checked };
  if (checked.routes?.some((r) => r instanceof RegExp)) {
    return {
      error: "publish: routes must be path patterns like '/api/authors/:id'; a RegExp cannot travel as JSON to the browser",
    };
  }
  return JSON.stringify(checked);
}

/**
 * The audience as a list, or `{ error }` saying what is wrong with it. A list must not be
 * empty: an event for no one is a mistake, not a broadcast.
 * @example checkAudience('user:42') // ['user:42']
 */
export function checkAudience(raw: unknown): string[] | { error: string } {
  const list = typeof raw === 'string' ? [raw] : raw;
  const ok =
    Array.isArray(list) &&
    list.length > 0 &&
    list.length <= MAX_AUDIENCES &&
    list.every((a) => typeof a === 'string' && a.length > 0);
  if (!ok) {
    return {
      error: `audience must be a non-empty string or a non-empty array of them (at most ${MAX_AUDIENCES}), like 'user:42' or ['user:42', 'staff'], got ${describe(raw)}`,
    };
  }
  return [...(list as string[])];
}
