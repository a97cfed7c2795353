/**
 * What each change to the blog makes stale, as invalidation targets named by tags. The
 * page's values and fragments (views.ts) and the worker's routes (sw.ts) carry these tags;
 * the page applies the targets after its own mutations (signals.ts), and the API publishes
 * them to every other browser through its invalidation hub (api/blog-api.ts), as Django's
 * `post_save` receivers would clear one shared cache. Plain data: the worker and the API
 * (in Node) import it too.
 */
import type { InvalidateTarget } from '../../src/index.js';

/** The tags, one per kind of data a change can make stale. */
export const TAGS = {
  /** The authors count, the top authors, the author pages. */
  authors: 'authors',
  /** The article lists, the top authors (their article counts), the author pages. */
  articles: 'articles',
  /** A user's own articles, their corner and "my articles": personal, published to that user only. */
  mine: 'my-articles',
} as const;

/** A target by tags alone: `invalidate` takes it, and so does the hub's `publish` (it is plain JSON). */
export type StaleTarget = Required<Pick<InvalidateTarget, 'tags'>>;

/** An author created: the count, the top authors, the author pages. */
export const authorsStale: StaleTarget = { tags: [TAGS.authors] };
/** An author deleted: their articles went with them. */
export const authorGoneStale: StaleTarget = { tags: [TAGS.authors, TAGS.articles] };
/** An article published: what every reader sees. */
export const articlesStale: StaleTarget = { tags: [TAGS.articles] };
/** A user's own articles changed: for that user's browsers alone (`publish(..., { audience })`). */
export const mineStale: StaleTarget = { tags: [TAGS.mine] };
