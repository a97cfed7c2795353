/**
 * register()'s failure messages: the script is fetched once more and its answer names the
 * likely cause (an SPA's HTML fallback, a 404 under Vite's base, a dev server's build error,
 * a script that downloads and threw while evaluated). Real failures in Chromium: test/e2e/register.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/page/register.js';
import { diagnoseRegistration, type DiagnosisFetch } from '../../src/page/register-diagnosis.js';

const unsupportedMime = new TypeError(
  "Failed to register a ServiceWorker for scope ('http://localhost/') with script ('http://localhost/sw.js'): The script has an unsupported MIME type ('text/html').",
);
const evaluationFailed = new TypeError(
  "Failed to register a ServiceWorker for scope ('http://localhost/') with script ('http://localhost/sw.js'): ServiceWorker script evaluation failed",
);

function answering(body: string, init: ResponseInit): DiagnosisFetch & { calls: [string, RequestInit][] } {
  const calls: [string, RequestInit][] = [];
  const fn = async (url: string, options: RequestInit) => {
    calls.push([url, options]);
    return new Response(body, init);
  };
  return Object.assign(fn, { calls });
}

describe('diagnoseRegistration', () => {
  it('an HTML answer (an SPA fallback) asks whether cachetteWorker() is in vite.config', async () => {
    const fetchOnce = answering('<!doctype html><div id="root"></div>', { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
    const why = await diagnoseRegistration('/sw.js', unsupportedMime, fetchOnce);
    expect(why).toMatch(/^the server answered \/sw\.js with an HTML page \(Content-Type: text\/html\), not JavaScript/);
    expect(why).toContain("Is cachetteWorker() from 'cachette/vite' in the plugins of vite.config?");
    expect(why).toContain("(the browser said: TypeError: Failed to register a ServiceWorker");
    expect(fetchOnce.calls).toHaveLength(1);
    // The diagnosis's own request must bypass the HTTP cache (a stale copy of /sw.js would
    // mislead it); this asserts the code's request mode, the test keeps no cache out.
    expect(fetchOnce.calls[0]![1]).toMatchObject({ cache: 'no-store' });
  });

  it('a 404 names the path and Vite base with import.meta.env.BASE_URL', async () => {
    const why = await diagnoseRegistration('/sw.js', new TypeError('A bad HTTP response code (404) was received'), answering('', { status: 404, statusText: 'Not Found' }));
    expect(why).toMatch(/answered \/sw\.js with 404 Not Found: is the path right\? With Vite's `base`/);
    expect(why).toContain('register(`${import.meta.env.BASE_URL}sw.js`)');
  });

  it("another error status shows a text body (cachette/vite's build error)", async () => {
    const body = 'cachette/vite: building the worker src/sw.ts failed:\nExpected ";" but found "}"';
    const why = await diagnoseRegistration('/sw.js', new TypeError('bad code (500)'), answering(body, { status: 500, statusText: 'Internal Server Error', headers: { 'Content-Type': 'text/plain' } }));
    expect(why).toContain('answered /sw.js with 500 Internal Server Error:\ncachette/vite: building the worker src/sw.ts failed:\nExpected ";"');
  });

  it('a non-JavaScript MIME type is named', async () => {
    const why = await diagnoseRegistration('/sw.ts', unsupportedMime, answering('export {}', { status: 200, headers: { 'Content-Type': 'video/mp2t' } }));
    expect(why).toMatch(/Content-Type 'video\/mp2t', which is not a JavaScript MIME type: serve it as text\/javascript/);
  });

  it('a script that downloads as JavaScript threw at evaluation: the browser message is shown', async () => {
    const why = await diagnoseRegistration('/sw.js', evaluationFailed, answering('throw new Error("x")', { status: 200, headers: { 'Content-Type': 'text/javascript' } }));
    expect(why).toMatch(/^\/sw\.js downloads as JavaScript, so the worker script most likely threw during its first evaluation/);
    expect(why).toContain('the browser said: TypeError: Failed to register a ServiceWorker');
    expect(why).toContain('ServiceWorker script evaluation failed');
    expect(why).toContain('DevTools > Application > Service workers');
  });

  it('a script that cannot be fetched at all says so', async () => {
    const why = await diagnoseRegistration('/sw.js', new TypeError('x'), async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(why).toMatch(/^the script could not be fetched at all \(TypeError: Failed to fetch\)/);
  });

  it('without fetch (null), the browser message alone', async () => {
    expect(await diagnoseRegistration('/sw.js', evaluationFailed, null)).toBe(`TypeError: ${evaluationFailed.message}`);
  });
});

describe('register rejects with the diagnosis', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('when the platform refuses the script, fetching it once to say why (the platform error is the cause)', async () => {
    const container = { register: async () => Promise.reject(unsupportedMime), controller: null };
    vi.stubGlobal('navigator', { ...navigator, serviceWorker: container });
    const fetchMock = vi.fn(async () => new Response('<!doctype html>', { headers: { 'Content-Type': 'text/html' } }));
    vi.stubGlobal('fetch', fetchMock);
    const error = (await register('/sw.js').catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^cachette: registering the service worker \/sw\.js failed: the server answered \/sw\.js with an HTML page/);
    expect(error.message).toContain('cachetteWorker()');
    expect(error.cause).toBe(unsupportedMime);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});

describe('register after a shift-reload', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('rejects within a second, not the whole timeout, when the activated worker does not control the page', async () => {
    vi.useFakeTimers();
    const active = { state: 'activated', scriptURL: `${location.origin}/sw.js` };
    const registration = { scope: `${location.origin}/`, active, installing: null, waiting: null };
    const container = {
      register: async () => registration,
      controller: null,
      addEventListener: () => {},
      removeEventListener: () => {},
    };
    vi.stubGlobal('navigator', { ...navigator, serviceWorker: container });
    let settled: string | undefined;
    void register('/sw.js').then(
      () => (settled = 'resolved'),
      (e: Error) => (settled = e.message),
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(
      'cachette: the service worker did not take control of the page within 1000 ms: it is active but this page is not controlled. ' +
        "A hard reload (shift-reload) bypasses service workers for that page load: the page keeps working, without the worker's caches, " +
        'and a normal reload puts it back under the worker. (A worker that does not call clients.claim() on activate only controls pages loaded after it activated.)',
    );
  });
});
