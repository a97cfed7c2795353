/**
 * Client-side routing with the History API: a path picks a view, the view renders off-screen
 * with its own meter, and the newest render wins (a slow one started earlier never
 * overwrites it). The numbers strip shows what the shown view cost.
 */
import { Meter, type ViewCost } from './meter.js';
import { authorView, listView, meView, notFoundView, numbersView, type View } from './views.js';
import { cachingOn } from './settings.js';

const ROUTES: [RegExp, string, View][] = [
  [/^\/$/, 'articles', listView],
  [/^\/authors\/([^/]+)$/, 'author', authorView],
  [/^\/me$/, 'my articles', meView],
  [/^\/numbers$/, 'before / after', numbersView],
];

let generation = 0;
let shown = 0;
/** When the last render started (performance.now()), to skip redundant re-renders. */
export let lastRenderStart = -Infinity;

export interface RenderOptions {
  /** Carry what the reader has typed into the view's forms over to the new view (a re-render of the same view). */
  keepInput?: boolean;
}

/** Renders the view of the current URL; resolves with what it cost once it is shown. */
export async function render({ keepInput = false }: RenderOptions = {}): Promise<ViewCost> {
  const current = ++generation;
  lastRenderStart = performance.now();
  const url = new URL(location.href);
  let name = 'not found';
  let view: View = notFoundView;
  let params: string[] = [];
  for (const [pattern, routeName, routeView] of ROUTES) {
    const match = url.pathname.match(pattern);
    if (match) {
      name = routeName;
      view = routeView;
      params = match.slice(1).map(decodeURIComponent);
      break;
    }
  }
  const meter = new Meter(name);
  let content: DocumentFragment;
  try {
    content = await view({ meter, url, params });
  } catch (error) {
    const template = document.createElement('template');
    template.innerHTML = '<h1>Something went wrong</h1><p class="error"></p>';
    template.content.querySelector('.error')!.textContent = error instanceof Error ? error.message : String(error);
    content = template.content;
  }
  const cost = meter.finish();
  if (current > shown) {
    shown = current;
    const view = document.querySelector('#view');
    const restore = keepInput && view ? typedInput(view) : undefined;
    view?.replaceChildren(content);
    restore?.();
    showCost(cost);
    for (const link of document.querySelectorAll<HTMLAnchorElement>('header nav a')) {
      link.toggleAttribute('aria-current', link.pathname === url.pathname);
    }
  }
  return cost;
}

/**
 * What is typed into `root`'s forms (`form[id] input[name]`) and which field has the focus;
 * returns the function that puts them back into the same fields of what replaced them.
 */
function typedInput(root: Element): () => void {
  const fields = (within: Element) => [...within.querySelectorAll<HTMLInputElement>('form[id] input[name]')];
  const id = (input: HTMLInputElement) => `${input.form?.id ?? ''} ${input.name}`;
  const typed = new Map(fields(root).filter((input) => input.value !== input.defaultValue).map((input) => [id(input), input.value]));
  const focused = document.activeElement instanceof HTMLInputElement && root.contains(document.activeElement) ? id(document.activeElement) : undefined;
  return () => {
    for (const input of fields(root)) {
      const value = typed.get(id(input));
      if (value !== undefined) input.value = value;
      if (id(input) === focused) input.focus();
    }
  };
}

/** Goes to `path` (pushState) and renders it. */
export function navigate(path: string): Promise<ViewCost> {
  if (path !== location.pathname + location.search) history.pushState(null, '', path);
  return render();
}

function showCost(cost: ViewCost): void {
  const strip = document.querySelector<HTMLElement>('#numbers');
  if (!strip) return;
  const views = Number(strip.dataset.renders ?? 0) + 1;
  Object.assign(strip.dataset, {
    renders: String(views),
    view: cost.view,
    requests: String(cost.requests),
    workerHits: String(cost.workerHits),
    pageHits: String(cost.pageHits),
    queries: String(cost.queries),
    ms: String(cost.ms),
  });
  const cell = (value: number | string, label: string, title: string): string =>
    `<span class="metric" title="${title}"><b>${value}</b> ${label}</span>`;
  strip.innerHTML = [
    `<span class="metric view">${cost.view}</span>`,
    cell(cost.requests, cost.requests === 1 ? 'API request' : 'API requests', 'API requests that reached the server'),
    cell(cost.queries, 'SQL queries', 'From the Server-Timing header of each response the server sent'),
    cell(`${cost.dbMs}`, 'ms in the database', 'Total of Server-Timing db durations'),
    cell(cost.workerHits, 'from the worker', "Answered by the service worker's cache (Age header): no query"),
    cell(cost.pageHits, 'page-cache hits', 'getOrSet values and fragments restored without any request'),
    cell(`${cost.ms}`, 'ms', 'This view, from navigation to shown'),
    `<span class="metric mode ${cachingOn() ? 'on' : 'off'}">caching ${cachingOn() ? 'on' : 'off'}</span>`,
  ].join('');
}
