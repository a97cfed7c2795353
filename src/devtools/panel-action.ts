/**
 * What the panel's buttons do, as data (the Chrome extension sends them through the page
 * hook), and the one check of an action arriving from outside. Running them is
 * `runPanelAction`; the view only builds them.
 */

/** One button's effect. */
export type PanelAction =
  | { type: 'clear-all' }
  | { type: 'clear'; cache: string }
  | {
      type: 'delete';
      cache: string;
      side: 'page' | 'worker';
      /** The stored key. */
      key: string;
      /** The caller's key, when the stored key has the alias's own prefix and version. */
      callerKey?: string;
      /** The URL of a worker entry. */
      url?: string;
    }
  | { type: 'invalidate-prefix'; prefix: string }
  | { type: 'invalidate-tag'; tag: string };

const MAX_TEXT = 8192;

/**
 * The action inside `raw`, or `undefined` when it is not one. Never throws.
 * @example const action = checkAction(JSON.parse(text)); if (action) await runPanelAction(action);
 */
export function checkAction(raw: unknown): PanelAction | undefined {
  try {
    if (typeof raw !== 'object' || raw === null) return undefined;
    const a = raw as Record<string, unknown>;
    switch (a.type) {
      case 'clear-all':
        return { type: 'clear-all' };
      case 'clear':
        return text(a.cache) ? { type: 'clear', cache: a.cache } : undefined;
      case 'delete': {
        if (!text(a.cache) || !text(a.key) || (a.side !== 'page' && a.side !== 'worker')) return undefined;
        const action: PanelAction = { type: 'delete', cache: a.cache, side: a.side, key: a.key };
        if (text(a.callerKey)) action.callerKey = a.callerKey;
        if (text(a.url)) action.url = a.url;
        return action;
      }
      case 'invalidate-prefix':
        return text(a.prefix) && a.prefix !== '' ? { type: 'invalidate-prefix', prefix: a.prefix } : undefined;
      case 'invalidate-tag':
        return text(a.tag) && a.tag !== '' ? { type: 'invalidate-tag', tag: a.tag } : undefined;
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

function text(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TEXT;
}
