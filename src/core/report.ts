/**
 * Where errors that Cachette survives go: a failing store behind `getOrSet`, the worker's
 * fallbacks to the network. Listeners (the devtools panel, an app's logger) subscribe;
 * without listeners they go to the console.
 */

/** An error Cachette recovered from, and where it happened. */
export interface ReportedError {
  error: unknown;
  /** What was being done, e.g. `get 'default'`. */
  context: string;
  time: number;
}

type Listener = (report: ReportedError) => void;
const listeners = new Set<Listener>();
/** The last errors, for the devtools panel (kept whether or not anyone listens). */
const recent: ReportedError[] = [];
const RECENT = 20;

/**
 * The last 20 errors Cachette recovered from in this context, oldest first.
 * @example recentErrors().at(-1)?.context // "reading https://app/api/x from cache 'default'"
 */
export function recentErrors(): ReportedError[] {
  return [...recent];
}

/**
 * Receives every error Cachette recovered from; returns the unsubscribe function.
 * @example const stop = onCacheError(({ error, context }) => log(context, error));
 */
export function onCacheError(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Reports an error Cachette recovered from. */
export function reportError(error: unknown, context: string): void {
  const report: ReportedError = { error, context, time: Date.now() };
  recent.push(report);
  if (recent.length > RECENT) recent.shift();
  if (listeners.size === 0) {
    console.error(`cachette: ${context} failed (Cachette carried on without it)`, error);
    return;
  }
  for (const listener of listeners) {
    try {
      listener(report);
    } catch (listenerError) {
      console.error('cachette: an onCacheError listener threw', listenerError);
    }
  }
}
