/**
 * The lifecycle every conformance worker shares: skip waiting on install and claim the
 * pages on activation, so the runner page is controlled without a second navigation.
 * Typed structurally because these files are checked with the DOM lib (tsconfig.json),
 * not the WebWorker one (only `test/**\/sw/**` gets that).
 *
 * @example
 * claimAtOnce();
 * cacheSite();
 */
interface LifecycleEvent {
  waitUntil(promise: Promise<unknown>): void;
}

interface WorkerScope {
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (event: LifecycleEvent) => void): void;
}

declare const self: WorkerScope;

/** Installs the install/activate listeners; call it before the cache under test. */
export function claimAtOnce(): void {
  self.addEventListener('install', (event) => event.waitUntil(self.skipWaiting()));
  self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
}
