import { cache, defineCaches } from '../src/index.js';
import { register } from '../src/page/index.js';

defineCaches({ default: { backend: 'idb', location: 'demo', timeout: 60 } });

const log = document.querySelector('#log') as HTMLTableSectionElement;
const status = document.querySelector('#status') as HTMLElement;
let calls = 0;

function row(call: string, result: string, ms: number, hit: boolean): void {
  const tr = document.createElement('tr');
  for (const text of [call, result, ms.toFixed(1)]) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.append(td);
  }
  tr.className = hit ? 'hit' : 'miss';
  log.prepend(tr);
}

/** The slow "database": what a cache hit saves. */
async function slowTopAuthors(): Promise<string[]> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  return ['Ada Lovelace', 'Grace Hopper', 'Barbara Liskov'];
}

document.querySelector('#load')?.addEventListener('click', async () => {
  calls += 1;
  const start = performance.now();
  let computed = false;
  const authors = await cache.getOrSet('top-authors', async () => {
    computed = true;
    return slowTopAuthors();
  });
  row(`#${calls} cache.getOrSet('top-authors')`, `${authors.length} authors (${computed ? 'miss' : 'hit'})`, performance.now() - start, !computed);
});

document.querySelector('#fetch')?.addEventListener('click', async () => {
  calls += 1;
  const start = performance.now();
  const response = await fetch('/api/top-authors');
  const body = (await response.json()) as { served: number };
  const age = response.headers.get('age');
  row(`#${calls} fetch('/api/top-authors')`, age === null ? `from the API (request #${body.served})` : `from the worker's cache (Age ${age} s)`, performance.now() - start, age !== null);
});

document.querySelector('#post')?.addEventListener('click', async () => {
  calls += 1;
  const start = performance.now();
  await fetch('/api/authors', { method: 'POST', body: '{}' });
  row(`#${calls} POST /api/authors`, 'invalidatedBy dropped the cached list', performance.now() - start, false);
});

document.querySelector('#clear')?.addEventListener('click', async () => {
  await cache.clear();
  row('cache.clear()', 'emptied the page cache', 0, false);
});

register('/sw.js')
  .then(() => {
    status.textContent = 'The Cachette worker controls this page.';
  })
  .catch((error: unknown) => {
    status.textContent = `No worker: ${String(error)}`;
  });
