/**
 * The guide's `post_save` / `post_delete` receivers: after a mutation, drop what it made
 * stale. The worker already dropped its own entries (`invalidatedBy` on its routes); these
 * drop the page's (the low-level count and the fragments), in every tab.
 */
import { invalidate } from '../../src/index.js';

/** `post_save` / `post_delete` on Author. */
export async function authorsChanged(): Promise<void> {
  await invalidate({ keys: ['authors-count'] });
  await invalidate({ prefix: 'template.cache.top_authors.' });
}

/** An author's articles went with them: the lists and personal fragments too. */
export async function authorDeleted(): Promise<void> {
  await authorsChanged();
  await articlesChanged();
}

/** `post_save` on Article. */
export async function articlesChanged(): Promise<void> {
  for (const name of ['top_authors', 'article_list', 'my_corner', 'my_articles']) {
    await invalidate({ prefix: `template.cache.${name}.` });
  }
}
