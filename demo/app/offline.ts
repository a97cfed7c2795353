/**
 * The first visit's own files, handed to the worker. A page loaded before its worker
 * existed fetched its HTML, modules and assets from the network, past the worker, so the
 * worker's per-site cache (`httpCache()` in sw.ts) does not hold them: a reload with the
 * server stopped would find nothing. Once the worker controls the page, this fetches them
 * again through it, and it stores them: one request per file, once. Later visits are
 * controlled from the start and need none of this.
 */

/** Same-origin paths that are not the app's files: the API and the hub's stream (the worker caches the API by its own routes). */
const NOT_THE_APP = /^\/(api|cachette)\//;

/**
 * Fetches the page and every same-origin file it has loaded so far, through the worker that
 * now controls it; resolves with how many it fetched. Never rejects.
 * @example if (!wasControlled) void storeShell().then((n) => console.log(`${n} files stored`));
 */
export async function storeShell(): Promise<number> {
  if (!navigator.serviceWorker?.controller) return 0;
  // The app shell: the worker answers every view's navigation with the page `/` (sw.ts).
  const shell = new URL('/', location.href).href;
  const urls = new Set<string>([shell]);
  for (const entry of performance.getEntriesByType('resource')) {
    const url = new URL(entry.name);
    if (url.origin === location.origin && !NOT_THE_APP.test(url.pathname)) urls.add(url.href);
  }
  const fetched = await Promise.all(
    [...urls].map(async (url) => {
      try {
        // The page as a navigation asks for it, the rest as they were asked for.
        const response = await fetch(url, url === shell ? { headers: { Accept: 'text/html' } } : {});
        await response.arrayBuffer();
        return response.ok ? 1 : 0;
      } catch {
        return 0;
      }
    }),
  );
  return fetched.reduce<number>((sum, n) => sum + n, 0);
}
