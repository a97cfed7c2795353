// See index.ts: `register` as if there were no worker.
export function register(): Promise<never> {
  return Promise.reject(new Error('no worker'));
}
