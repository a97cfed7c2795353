/**
 * The page's side of the worker's lifecycle: register the Cachette worker and wait until it
 * controls the page (only then do the page's fetches go through its caches), and hear about
 * updated workers waiting to take over.
 */
import { message } from '../core/protocol.js';
import { diagnoseRegistration, hearWorkerErrors } from './register-diagnosis.js';

/** Options of `register`: the platform's `RegistrationOptions`, plus how long to wait. */
export interface RegisterOptions extends RegistrationOptions {
  /** Milliseconds to wait for the worker to control the page; default 10 000 (`Infinity`: no limit). */
  timeout?: number;
}

/** An updated worker, installed and waiting for the current one to let go. */
export interface WorkerUpdate {
  /** The installed worker (`registration.waiting`). */
  waiting: ServiceWorker;
  /**
   * Asks the waiting worker to take over now; resolves when it controls the page (the next
   * `controllerchange`), rejects if it is discarded first.
   */
  activate(): Promise<void>;
}

const DEFAULT_TIMEOUT = 10_000;
const MAX_TIMER = 2 ** 31 - 1;
/**
 * How long an uncontrolled page waits when its worker is already activated with no update
 * coming: its clients.claim() has run, so the page stays uncontrolled until the next load
 * (a shift-reload). Only the `controllerchange` of a claim in flight can still arrive.
 */
const SETTLED_GRACE = 1000;
/** How long an installed worker is watched for activating on its own before it counts as waiting. */
const SKIP_WAITING_GRACE = 150;

/**
 * Registers the service worker at `scriptURL` and resolves once that worker controls the
 * page, so that the page's next fetches go through it. On a first visit the worker claims
 * the page as it activates (`cachette/sw` does); on later visits the page is controlled
 * from the start. Rejects with an Error saying why when service workers are unavailable
 * (an insecure context, a browser without them), when the registration fails (the message
 * names the likely cause: an HTML page or a 404 where the script should be, a worker that
 * threw while evaluated; the platform error is the `cause`), or when control does not arrive
 * within `timeout` ms (within a second when the worker is already activated and cannot take
 * this page: after a shift-reload, which bypasses workers for that page load). The page works
 * without the worker, so render first and treat a rejection as a warning.
 * @example
 * import { register } from 'cachette/page';
 * const registration = await register('/sw.js');
 * const posts = await fetch('/api/posts'); // answered by the worker's caches
 */
export async function register(scriptURL: string | URL, options: RegisterOptions = {}): Promise<ServiceWorkerRegistration> {
  const { timeout = DEFAULT_TIMEOUT, ...registrationOptions } = options;
  if (typeof timeout !== 'number' || !(timeout >= 0)) {
    throw new TypeError(`cachette: register() timeout must be a number of milliseconds >= 0, got ${String(timeout)}`);
  }
  const container = serviceWorkerContainer();
  let registration: ServiceWorkerRegistration;
  const heard = hearWorkerErrors(String(scriptURL));
  try {
    registration = await container.register(scriptURL, registrationOptions);
  } catch (cause) {
    // The platform's error rarely names the cause; asking for the script once more usually does.
    const why = await diagnoseRegistration(String(scriptURL), cause, undefined, heard);
    throw new Error(`cachette: registering the service worker ${String(scriptURL)} failed: ${why}`, { cause });
  } finally {
    heard.close();
  }
  if (!location.href.startsWith(registration.scope)) {
    throw new Error(
      `cachette: the page ${location.href} is outside the worker's scope ${registration.scope}, so the worker can never ` +
        `control it; serve the worker from a higher path or pass { scope } (with a Service-Worker-Allowed header)`,
    );
  }
  // After a shift-reload nothing will change until the next load: no reason to hold the caller for the whole timeout.
  const settled = registration.active?.state === 'activated' && !registration.installing && !registration.waiting;
  await waitForControl(container, registration, settled ? Math.min(timeout, SETTLED_GRACE) : timeout);
  return registration;
}

/**
 * Calls `listener` each time an updated worker is installed and waiting to take over (and,
 * on a microtask, right away when one already waits). Call `update.activate()` to let it
 * take over now, for example when the user accepts a "new version" prompt. Returns the
 * unsubscribe function.
 * @example
 * const stop = onUpdate(registration, async (update) => {
 *   if (confirm('A new version is available. Reload?')) {
 *     await update.activate();
 *     location.reload();
 *   }
 * });
 */
export function onUpdate(registration: ServiceWorkerRegistration, listener: (update: WorkerUpdate) => void): () => void {
  const cleanups = new Set<() => void>();
  let notified: ServiceWorker | null = null;
  let stopped = false;

  const notifyIfWaiting = (): void => {
    const waiting = registration.waiting;
    // A waiting worker exists only beside an active one: it is always an update.
    if (stopped || !waiting || waiting === notified || waiting.state !== 'installed') return;
    notified = waiting;
    try {
      listener({ waiting, activate: () => activateWaiting(waiting) });
    } catch (error) {
      // A throwing listener must not stop later updates from being announced.
      console.error('cachette: an onUpdate listener threw', error);
    }
  };

  const track = (worker: ServiceWorker | null): void => {
    if (!worker || worker.state !== 'installing') return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const remove = (): void => {
      clearTimeout(timer);
      worker.removeEventListener('statechange', onState);
    };
    const done = (): void => {
      remove();
      cleanups.delete(remove);
    };
    const onState = (): void => {
      if (worker.state === 'installing') return;
      if (worker.state !== 'installed') return done();
      // A worker that skips waiting (cachette/vite's dev worker) is 'installed' for a moment
      // before it activates: announce only one still waiting once its next state change had
      // time to arrive.
      clearTimeout(timer);
      timer = setTimeout(() => {
        done();
        notifyIfWaiting();
      }, SKIP_WAITING_GRACE);
    };
    worker.addEventListener('statechange', onState);
    cleanups.add(remove);
  };

  const onUpdateFound = (): void => track(registration.installing);
  registration.addEventListener('updatefound', onUpdateFound);
  cleanups.add(() => registration.removeEventListener('updatefound', onUpdateFound));
  track(registration.installing);
  queueMicrotask(notifyIfWaiting);

  return () => {
    stopped = true;
    for (const cleanup of cleanups) cleanup();
    cleanups.clear();
  };
}

/** The platform's container, or an Error saying why there is none. */
function serviceWorkerContainer(): ServiceWorkerContainer {
  const container = typeof navigator === 'undefined' ? undefined : navigator.serviceWorker;
  if (container) return container;
  if (typeof isSecureContext === 'boolean' && !isSecureContext) {
    throw new Error(
      `cachette: service workers are unavailable because this page is not a secure context ` +
        `(${typeof location === 'undefined' ? 'unknown origin' : location.origin}); serve it over https, or from localhost / 127.0.0.1`,
    );
  }
  throw new Error(
    'cachette: service workers are unavailable in this browser or mode (some private-browsing modes disable them); ' +
      'the page works without the worker, but nothing is cached by it',
  );
}

/** Resolves once a worker of `registration` controls the page, else rejects after `timeout` ms. */
function waitForControl(container: ServiceWorkerContainer, registration: ServiceWorkerRegistration, timeout: number): Promise<void> {
  if (controlledBy(container, registration)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onChange = (): void => {
      if (!controlledBy(container, registration)) return;
      done();
      resolve();
    };
    // Past setTimeout's 32-bit limit (Infinity included) the timer would fire at once: no timer.
    const timer =
      timeout <= MAX_TIMER
        ? setTimeout(() => {
            done();
            reject(new Error(whyNotControlled(registration, timeout)));
          }, timeout)
        : undefined;
    const done = (): void => {
      clearTimeout(timer);
      container.removeEventListener('controllerchange', onChange);
    };
    container.addEventListener('controllerchange', onChange);
  });
}

function controlledBy(container: ServiceWorkerContainer, registration: ServiceWorkerRegistration): boolean {
  const controller = container.controller;
  if (!controller) return false;
  if (controller === registration.active) return true;
  // Objects for one worker are unique per page, but the registration's attributes update in
  // their own task: compare the script too, so an early controllerchange is not missed.
  return [registration.active, registration.waiting, registration.installing].some((w) => w?.scriptURL === controller.scriptURL);
}

function whyNotControlled(registration: ServiceWorkerRegistration, timeout: number): string {
  const active = registration.active;
  const prefix = `cachette: the service worker did not take control of the page within ${timeout} ms`;
  if (active) {
    const activating = active.state === 'activating' ? ' (it is still activating: check its activate event\'s waitUntil promises)' : '';
    return (
      `${prefix}: it is active${activating} but this page is not controlled. A hard reload (shift-reload) bypasses ` +
      `service workers for that page load: the page keeps working, without the worker's caches, and a normal reload ` +
      `puts it back under the worker. (A worker that does not call clients.claim() on activate only controls pages ` +
      `loaded after it activated.)`
    );
  }
  if (registration.installing) {
    return `${prefix}: it is still installing (a slow or never-settling install event: check its waitUntil promises)`;
  }
  if (registration.waiting) {
    return `${prefix}: it is installed and waiting to activate`;
  }
  return `${prefix}: it did not activate (the install may have failed; see the worker's console)`;
}

/** Tells `waiting` to skip waiting; resolves when it controls the page. */
function activateWaiting(waiting: ServiceWorker): Promise<void> {
  const container = serviceWorkerContainer();
  if (container.controller === waiting) return Promise.resolve();
  if (waiting.state === 'redundant') return Promise.reject(redundant(waiting));
  return new Promise<void>((resolve, reject) => {
    const onChange = (): void => {
      done();
      resolve();
    };
    const onState = (): void => {
      if (waiting.state !== 'redundant') return;
      done();
      reject(redundant(waiting));
    };
    const done = (): void => {
      container.removeEventListener('controllerchange', onChange);
      waiting.removeEventListener('statechange', onState);
    };
    container.addEventListener('controllerchange', onChange);
    waiting.addEventListener('statechange', onState);
    waiting.postMessage(message({ type: 'skip-waiting' }));
  });
}

function redundant(worker: ServiceWorker): Error {
  return new Error(`cachette: the waiting worker ${worker.scriptURL} was discarded before it took control (a newer one replaced it?)`);
}
