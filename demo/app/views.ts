/**
 * The blog's views, as the guide's: the article list (authors count, top authors, the
 * articles with their tags, a personal corner), an author page, and "my articles". Each
 * returns its content; the router swaps it in and shows what it cost.
 */
import { cacheFragment } from '../../src/page/index.js';
import { esc, day } from './html.js';
import type { Meter } from './meter.js';
import { Author, type ArticleData, type AuthorData } from './models.js';
import { cachingOn, currentUser, pageAlias, pageCache } from './settings.js';
import { comparisonTable, lastComparison } from './compare.js';
import { TAGS } from './stale.js';

export interface ViewContext {
  meter: Meter;
  url: URL;
  params: string[];
}

export type View = (ctx: ViewContext) => Promise<DocumentFragment>;

/** The HTML of a view with `<div data-slot="name">` holes, filled with (cached) fragments. */
function assemble(html: string, slots: Record<string, Node> = {}): DocumentFragment {
  const template = document.createElement('template');
  template.innerHTML = html;
  for (const [name, node] of Object.entries(slots)) template.content.querySelector(`[data-slot="${name}"]`)?.replaceChildren(node);
  return template.content;
}

/**
 * `{% cache timeout name ...varyOn %}`, counting a hit on the meter. `tags` name the data it
 * shows, so a change's target (signals.ts) drops it here and in every other browser.
 */
async function fragment(
  meter: Meter,
  name: string,
  timeout: number,
  render: () => Promise<string>,
  { varyOn = [], tags }: { varyOn?: unknown[]; tags: string[] },
): Promise<DocumentFragment> {
  let rendered = false;
  const result = await cacheFragment(
    name,
    timeout,
    () => {
      rendered = true;
      return render();
    },
    { varyOn, using: pageAlias(), tags },
  );
  if (!rendered) meter.pageHit();
  return result;
}

/** The low-level API: `cache.get_or_set('authors-count', Author.objects.count, 600)`. */
async function authorsCount(meter: Meter): Promise<number> {
  let computed = false;
  const count = await pageCache().getOrSet(
    'authors-count',
    async () => {
      computed = true;
      return (await meter.api<{ count: number }>('/api/authors/count')).count;
    },
    600,
    { tags: [TAGS.authors] },
  );
  if (!computed) meter.pageHit();
  return count;
}

function articleItems(articles: ArticleData[], showAuthor = true): string {
  if (articles.length === 0) return '<p class="muted">No articles yet.</p>';
  return `<ol class="articles">${articles
    .map(
      (a) => `<li><span class="title">${esc(a.title)}</span>
        <span class="meta">${showAuthor ? `by <a href="/authors/${esc(a.author)}">${esc(a.author)}</a> · ` : ''}${day(a.created_at)}</span>
        <span class="tags">${a.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join('')}</span></li>`,
    )
    .join('')}</ol>`;
}

export const listView: View = async ({ meter, url }) => {
  const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
  const user = currentUser();
  const [count, top, list, corner] = await Promise.all([
    authorsCount(meter),
    fragment(
      meter,
      'top_authors',
      500,
      async () => {
        const { authors } = await meter.api<{ authors: { username: string; articles: number }[] }>('/api/authors/top');
        return `<ol class="top">${authors.map((a) => `<li><a href="/authors/${esc(a.username)}">${esc(a.username)}</a> <span class="muted">${a.articles} articles</span></li>`).join('')}</ol>`;
      },
      { tags: [TAGS.authors, TAGS.articles] },
    ),
    fragment(
      meter,
      'article_list',
      500,
      async () => articleItems((await meter.api<{ articles: ArticleData[] }>(`/api/articles?page=${page}`)).articles),
      { varyOn: [page], tags: [TAGS.articles] },
    ),
    user === undefined
      ? Promise.resolve(assemble('<p class="muted">Pick a user at the top to see your corner.</p>'))
      : fragment(
          meter,
          'my_corner',
          500,
          async () => {
            const { articles } = await meter.api<{ articles: ArticleData[] }>('/api/me/articles');
            const latest = articles.slice(0, 3).map((a) => `<li>${esc(a.title)}</li>`).join('');
            return `<p>Signed in as <strong class="who">${esc(user)}</strong>: your latest articles.</p><ul class="mine">${latest || '<li class="muted">none yet</li>'}</ul>`;
          },
          { varyOn: [user], tags: [TAGS.mine] },
        ),
  ]);
  return assemble(
    `<div class="columns">
      <section class="main-col">
        <h1>Articles</h1>
        <div data-slot="list"></div>
        <nav class="pager">${page > 1 ? `<a href="/?page=${page - 1}">← newer</a>` : ''} <a href="/?page=${page + 1}">older →</a></nav>
      </section>
      <aside class="side-col">
        <div class="card"><h2>Authors</h2><p class="count"><strong id="authors-count">${count}</strong> authors</p>
          <form id="new-author" class="inline"><input name="username" placeholder="new username" aria-label="New author's username" required pattern="[a-z][a-z0-9_]{1,29}" /><button>Create author</button></form>
          <p class="form-status" role="status"></p></div>
        <div class="card"><h2>Top authors</h2><div data-slot="top"></div></div>
        <div class="card personal" aria-label="Your corner"><h2>Your corner</h2><div data-slot="corner"></div></div>
      </aside>
    </div>`,
    { list, top, corner },
  );
};

export const authorView: View = async ({ meter, params }) => {
  const username = params[0] ?? '';
  let body: { author: AuthorData; hasArticles: boolean; articles: ArticleData[] };
  try {
    body = await meter.api(`/api/authors/${encodeURIComponent(username)}`);
  } catch (error) {
    return assemble(`<h1>${esc(username)}</h1><p class="muted">${esc(error instanceof Error ? error.message : error)}</p><p><a href="/">← all articles</a></p>`);
  }
  const author = new Author(body.author, body.articles);
  const before = Author.computed;
  // Read twice, computed once: the second read is a plain property of the instance.
  const cloud = author.tagCloud.map(({ tag, uses }) => `<span class="tag">${esc(tag)} ×${uses}</span>`).join('');
  void author.tagCloud;
  const first = author.firstPublished;
  void author.firstPublished;
  return assemble(
    `<p><a href="/">← all articles</a></p>
    <h1>${esc(author.username)}</h1>
    <p>${esc(author.data.bio)} <span class="muted">${esc(author.data.email)}</span></p>
    <p class="tags">${cloud}</p>
    <p class="muted small">${body.hasArticles ? `Writing since ${day(first ?? '')}. ` : ''}cachedProperty: tagCloud and firstPublished read twice, computed ${Author.computed - before} times.</p>
    <h2>${body.hasArticles ? `${body.articles.length} articles` : 'No articles yet'}</h2>
    ${body.hasArticles ? articleItems(body.articles, false) : ''}
    <p><button class="danger" data-action="delete-author" data-username="${esc(author.username)}">Delete ${esc(author.username)}</button></p>`,
  );
};

export const meView: View = async ({ meter }) => {
  const user = currentUser();
  if (user === undefined) return assemble('<h1>My articles</h1><p class="muted">You are anonymous: pick alice or bob at the top.</p>');
  const mine = await fragment(
    meter,
    'my_articles',
    500,
    async () => {
      const { articles } = await meter.api<{ user: string | null; articles: ArticleData[] }>('/api/me/articles');
      return `<p class="muted">The ${articles.length} latest articles by <strong class="who">${esc(user)}</strong>.</p>${articleItems(articles, false)}`;
    },
    { varyOn: [user], tags: [TAGS.mine] },
  );
  return assemble(
    `<h1>My articles</h1>
    <form id="publish" class="inline card">
      <input name="title" placeholder="Title of a new article" aria-label="Title" required />
      <input name="tags" placeholder="tags, comma-separated" aria-label="Tags" value="caching, django" />
      <button>Publish</button>
    </form>
    <div data-slot="mine"></div>`,
    { mine },
  );
};

export const numbersView: View = async () => {
  const result = lastComparison();
  return assemble(
    `<h1>Before and after</h1>
    <p>The guide measures a blog page before and after caching. This runs the same navigation
    (articles → an author → back → my articles) with caching off, then on: cold (every cache
    emptied first) and warm (again, straight after). Caching is now <strong>${cachingOn() ? 'on' : 'off'}</strong>.</p>
    <p><button id="run-comparison">Run the comparison</button> <span class="muted" id="comparison-status" role="status"></span></p>
    <div id="comparison">${result ? comparisonTable(result) : '<p class="muted">Not run yet in this tab.</p>'}</div>`,
  );
};

export const notFoundView: View = async ({ url }) => assemble(`<h1>Not found</h1><p>${esc(url.pathname)}</p><p><a href="/">← all articles</a></p>`);
