/**
 * Why a service worker registration failed, in words a developer can act on. The platform's
 * error rarely says (Chrome: "The script has an unsupported MIME type ('text/html')",
 * "ServiceWorker script evaluation failed"), so the script is fetched once more and its
 * answer looked at: an SPA fallback's HTML, a 404 under a Vite `base`, a build error served
 * as text, or a script that downloads fine and threw while evaluated.
 */

import { WORKER_ERROR_CHANNEL } from '../core/worker-error-channel.js';

/** What a worker built by cachette/vite said as it threw while evaluated (see {@link hearWorkerErrors}). */
export interface HeardWorkerErrors {
  /** The first error heard for the script, waiting up to `ms` for one; undefined if none. */
  thrown(ms: number): Promise<string | undefined>;
  close(): void;
}

/**
 * Listens, from before the registration, for the error a worker built by cachette/vite posts
 * when its script throws while evaluated (the platform's rejection says only "script
 * evaluation failed"). A no-op where there is no BroadcastChannel.
 */
export function hearWorkerErrors(scriptURL: string): HeardWorkerErrors {
  if (typeof BroadcastChannel !== 'function') return { thrown: async () => undefined, close() {} };
  const wanted = new URL(scriptURL, location.href).href;
  const channel = new BroadcastChannel(WORKER_ERROR_CHANNEL);
  let heard: string | undefined;
  let wake: (() => void) | undefined;
  channel.onmessage = (event: MessageEvent) => {
    const data = event.data as { message?: unknown; scriptURL?: unknown } | null;
    if (heard !== undefined || typeof data?.message !== 'string' || data.scriptURL !== wanted) return;
    heard = data.message;
    wake?.();
  };
  return {
    async thrown(ms) {
      if (heard === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, ms);
        });
      }
      return heard;
    },
    close: () => channel.close(),
  };
}

/** The part of `fetch` the diagnosis uses (injected in tests). */
export type DiagnosisFetch = (url: string, init: RequestInit) => Promise<Response>;

const FETCH_TIMEOUT = 3000;
const BODY_EXCERPT = 600;
/** How long, after the script was fetched again, a worker's own report of what it threw may still arrive. */
const WORKER_ERROR_WAIT = 500;
/** The thrown error's first lines (its message and the frames nearest to it). */
const THROWN_LINES = 6;
const JAVASCRIPT_MIME = /^(text|application)\/(x-)?(javascript|ecmascript)$/i;

/**
 * The likely cause of a failed `navigator.serviceWorker.register(scriptURL)`, as one sentence
 * or a few, to follow "registering the service worker <url> failed: ".
 * @example
 * await diagnoseRegistration('/sw.js', error) // "the server answered /sw.js with HTML ..."
 */
export async function diagnoseRegistration(
  scriptURL: string,
  cause: unknown,
  fetchImpl: DiagnosisFetch | null = globalFetch(),
  heard?: HeardWorkerErrors,
): Promise<string> {
  const browser = describe(cause);
  const said = `(the browser said: ${browser})`;
  if (!fetchImpl) return browser;
  let response: Response;
  const abort = typeof AbortController === 'function' ? new AbortController() : undefined;
  const timer = abort ? setTimeout(() => abort.abort(), FETCH_TIMEOUT) : undefined;
  try {
    response = await fetchImpl(scriptURL, { cache: 'no-store', credentials: 'same-origin', signal: abort?.signal });
  } catch (fetchError) {
    return `the script could not be fetched at all (${describe(fetchError)}): is the server reachable, and is the URL same-origin? ${said}`;
  } finally {
    clearTimeout(timer);
  }
  const type = (response.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (response.status === 404) {
    return (
      `the server answered ${scriptURL} with 404 Not Found: is the path right? With Vite's \`base\` (e.g. base: '/app/') ` +
      `the worker is served under it: register(\`\${import.meta.env.BASE_URL}sw.js\`) ${said}`
    );
  }
  if (!response.ok) {
    const body = type.startsWith('text/plain') ? await excerpt(response) : '';
    return `the server answered ${scriptURL} with ${response.status} ${response.statusText}`.trimEnd() + (body ? `:\n${body}\n` : ' ') + said;
  }
  if (type === 'text/html') {
    return (
      `the server answered ${scriptURL} with an HTML page (Content-Type: text/html), not JavaScript: that is usually a ` +
      `single-page app's fallback answering a file it does not have. Is cachetteWorker() from 'cachette/vite' in the ` +
      `plugins of vite.config? In production, is the built sw.js deployed next to index.html? ${said}`
    );
  }
  if (!JAVASCRIPT_MIME.test(type)) {
    return (
      `the server answered ${scriptURL} with Content-Type '${type || '(none)'}', which is not a JavaScript MIME type: ` +
      `serve it as text/javascript ${said}`
    );
  }
  // A worker built by cachette/vite says what it threw (posted as it threw, before the rejection).
  const thrown = await heard?.thrown(WORKER_ERROR_WAIT);
  if (thrown !== undefined) {
    const lines = thrown.split('\n');
    const shown = lines.length > THROWN_LINES ? [...lines.slice(0, THROWN_LINES), '    …'] : lines;
    return `the worker script threw while the browser evaluated it: ${shown.join('\n')}\n${said}`;
  }
  return (
    `${scriptURL} downloads as JavaScript, so the worker script most likely threw during its first evaluation ` +
    `(a top-level error, an import left in a classic script, a typo in defineCaches or cacheRoutes) or its install ` +
    `failed; the browser said: ${browser}. The worker's own error is in DevTools > Application > Service workers ` +
    `(or chrome://serviceworker-internals).`
  );
}

/** The first lines of a text body (a dev server's build error), or '' if unreadable. */
async function excerpt(response: Response): Promise<string> {
  try {
    const text = (await response.text()).trim();
    return text.length > BODY_EXCERPT ? `${text.slice(0, BODY_EXCERPT)}…` : text;
  } catch {
    return '';
  }
}

function globalFetch(): DiagnosisFetch | null {
  return typeof fetch === 'function' ? (url, init) => fetch(url, init) : null;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
