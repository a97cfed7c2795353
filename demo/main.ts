// The blog SPA: Django's caching guide, in the browser. Caches, the worker, the router, the
// user and caching switches, the mutations (with their post_save receivers), the changes
// other browsers make (pushed by the API's invalidation hub) and, in development, the
// devtools panel.
import { defineCaches, onInvalidate } from '../src/index.js';
import { register } from '../src/page/index.js';
import { compare, comparisonTable } from './app/compare.js';
import { storeShell } from './app/offline.js';
import { connectPush, type PushLink } from './app/push.js';
import { lastRenderStart, navigate, render } from './app/router.js';
import { cachingOn, currentUser, setCaching, signIn } from './app/settings.js';
import { articlesChanged, authorDeleted, authorsChanged } from './app/signals.js';

// CACHES: the page's default cache in IndexedDB (shared by every tab), the DummyCache the
// "caching off" switch uses, and the worker's API cache (sw.ts), named here too so that the
// tab applying an invalidation empties that shared store before any listener re-renders:
// the worker hears the same invalidation a moment later, and the re-render's requests
// could otherwise reach it first and get the old response back (an `Age` header, the old
// count stored again for 500 s).
defineCaches({
  default: { backend: 'idb', location: 'demo', timeout: 500 },
  off: { backend: 'dummy' },
  api: { backend: 'cache-storage', location: 'demo-api', maxEntries: 500 },
});

const $ = <T extends Element = HTMLElement>(selector: string): T | null => document.querySelector<T>(selector);
let comparing = false;
let push: PushLink | undefined;

// Another tab's mutation, another browser's (pushed by the hub), the worker's invalidatedBy,
// the panel's buttons: re-render what is shown, once the burst of invalidations is over,
// unless a render started since, keeping what the reader is typing.
let rerender: ReturnType<typeof setTimeout> | undefined;
onInvalidate(() => {
  if (comparing) return;
  const at = performance.now();
  clearTimeout(rerender);
  rerender = setTimeout(() => {
    if (!comparing && lastRenderStart < at) void render({ keepInput: true });
  }, 40);
});

function setUpHeader(): void {
  const users = $<HTMLSelectElement>('#user')!;
  users.value = currentUser() ?? '';
  users.addEventListener('change', () => {
    signIn(users.value || undefined);
    // The hub tells a connection its user's personal changes: connect again as the new user.
    push?.reconnect();
    void render();
  });
  const caching = $<HTMLInputElement>('#caching')!;
  caching.checked = cachingOn();
  caching.addEventListener('change', () => {
    setCaching(caching.checked);
    void render();
  });
}

document.addEventListener('click', (event) => {
  const target = event.target as Element;
  const link = target.closest('a');
  if (link && link.origin === location.origin && !link.hasAttribute('download') && !event.metaKey && !event.ctrlKey && !event.shiftKey && event.button === 0) {
    event.preventDefault();
    void navigate(link.pathname + link.search);
    return;
  }
  const button = target.closest<HTMLButtonElement>('button[data-action="delete-author"]');
  if (button) void deleteAuthor(button.dataset.username ?? '', button);
  if (target.closest('#run-comparison')) void runComparison();
});

document.addEventListener('submit', (event) => {
  const form = event.target as HTMLFormElement;
  event.preventDefault();
  if (form.id === 'new-author') void createAuthor(form);
  if (form.id === 'publish') void publish(form);
});

window.addEventListener('popstate', () => void render());

async function mutate(method: string, path: string, body?: unknown): Promise<{ ok: boolean; error?: string }> {
  const response = await fetch(path, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const result = (await response.json().catch(() => ({}))) as { error?: string };
  return { ok: response.ok, error: result.error ?? (response.ok ? undefined : response.statusText) };
}

async function createAuthor(form: HTMLFormElement): Promise<void> {
  const username = String(new FormData(form).get('username') ?? '').trim();
  const { ok, error } = await mutate('POST', '/api/authors', { username, bio: `${username} is new here.` });
  if (!ok) {
    form.parentElement!.querySelector('.form-status')!.textContent = error ?? 'failed';
    return;
  }
  await authorsChanged();
  await render();
}

async function deleteAuthor(username: string, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  const { ok, error } = await mutate('DELETE', `/api/authors/${encodeURIComponent(username)}`);
  if (!ok) {
    button.disabled = false;
    button.textContent = error ?? 'failed';
    return;
  }
  await authorDeleted();
  await navigate('/');
}

async function publish(form: HTMLFormElement): Promise<void> {
  const data = new FormData(form);
  const tags = String(data.get('tags') ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  const { ok, error } = await mutate('POST', '/api/articles', { title: data.get('title'), tags });
  if (!ok) {
    alert(error);
    return;
  }
  await articlesChanged();
  await render();
}

async function runComparison(): Promise<void> {
  const button = $<HTMLButtonElement>('#run-comparison');
  if (button) button.disabled = true;
  comparing = true;
  let status = '';
  try {
    // Measured on settled caches: what other browsers changed while this page loaded is applied first.
    await push?.ready;
    const rows = await compare(navigate, (text) => (status = text));
    await navigate('/numbers');
    $('#comparison')!.innerHTML = comparisonTable(rows);
  } catch (error) {
    status = `failed: ${String(error)}`;
  } finally {
    comparing = false;
    const el = $('#comparison-status');
    if (el) el.textContent = status.startsWith('failed') ? status : 'done';
  }
}

async function start(): Promise<void> {
  setUpHeader();
  const status = $('#worker-status')!;
  // A page the worker controlled from the start came through it: its files are stored already.
  const firstVisit = !navigator.serviceWorker?.controller;
  // The worker answers API requests from its caches once it controls the page; the first
  // visit waits for it (it claims the page on activation), later ones find it at once.
  const controlled = register('/sw.js').then(
    () => {
      status.textContent = 'worker: on';
      return true;
    },
    (error: unknown) => {
      status.textContent = 'worker: off';
      status.title = String(error);
      return false;
    },
  );
  await Promise.race([controlled, new Promise((resolve) => setTimeout(resolve, 5000))]);
  await render();
  // Then what other browsers change: an enhancement, as the worker is; the header says if it is off.
  push = connectPush($('#push-status')!);
  if (import.meta.env.DEV) {
    const { mountDevtools } = await import('../src/devtools/index.js');
    mountDevtools({ position: 'bottom-right' });
  }
  // Offline: the worker keeps what the page loaded, so a reload works with the server stopped.
  if (await controlled) {
    if (firstVisit) await storeShell();
    status.dataset.offline = 'ready';
    status.title = 'the page and its files are in the worker: a reload works offline';
  }
}

void start();
