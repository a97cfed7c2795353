/**
 * Tags that tie entries to a user or a session, so logout can drop them in one call
 * (`invalidateSession`).
 */

/** Every worker entry keyed by a session (its response varies on `Cookie` or `Authorization`). */
export const SESSION_TAG = 'cachette:session';

/**
 * The tag `cacheFragment` gives a fragment for each of its vary-on values.
 * @example varyTag('alice') // 'cachette:vary:alice'
 */
export function varyTag(value: unknown): string {
  return `cachette:vary:${String(value)}`;
}
