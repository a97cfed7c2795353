/**
 * Tags that tie entries to a user or a session, so logout can drop them in one call
 * (`invalidateSession`). Defined with the rest of the entry vocabulary; kept here for the
 * modules that import them from this path.
 */
export { SESSION_TAG, varyTag } from './entry-vocabulary.js';
