import { cache, defineCaches } from '../src/index.js';

defineCaches({ default: { backend: 'idb', location: 'demo', timeout: 60 } });

/** The slow "database": what a cache hit saves. */
async function topAuthors(): Promise<string[]> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  return ['Ada Lovelace', 'Grace Hopper', 'Barbara Liskov'];
}

const log = document.querySelector('#log') as HTMLTableSectionElement;
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

document.querySelector('#load')?.addEventListener('click', async () => {
  calls += 1;
  const start = performance.now();
  let computed = false;
  const authors = await cache.getOrSet('top-authors', async () => {
    computed = true;
    return topAuthors();
  });
  row(`#${calls} getOrSet('top-authors')`, `${authors.join(', ')} (${computed ? 'miss' : 'hit'})`, performance.now() - start, !computed);
});

document.querySelector('#clear')?.addEventListener('click', async () => {
  await cache.clear();
  row('cache.clear()', 'emptied', 0, false);
});
