/**
 * The client-side models, shaped as the guide's Django models, with `cachedProperty` where
 * Django's would use `@cached_property`: derived values computed once per instance.
 */
import { cachedProperty } from '../../src/index.js';

export interface ArticleData {
  id: number;
  title: string;
  created_at: string;
  author: string;
  tags: string[];
}

export interface AuthorData {
  username: string;
  email: string;
  bio: string;
}

export class Author {
  /** How many times each derived value was computed (shown on the author page). */
  static computed = 0;

  constructor(
    readonly data: AuthorData,
    readonly articles: ArticleData[],
  ) {}

  get username(): string {
    return this.data.username;
  }

  /** `@cached_property def tag_cloud(self)`: every tag of the author's articles, by use. */
  get tagCloud(): { tag: string; uses: number }[] {
    Author.computed += 1;
    const counts = new Map<string, number>();
    for (const article of this.articles) for (const tag of article.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    return [...counts].map(([tag, uses]) => ({ tag, uses })).sort((a, b) => b.uses - a.uses || a.tag.localeCompare(b.tag));
  }

  /** `@cached_property def first_published(self)`. */
  get firstPublished(): string | undefined {
    Author.computed += 1;
    return this.articles.map((a) => a.created_at).sort()[0];
  }
}

// `@cachedProperty get tagCloud()`, applied by hand: Vite 8's transformer (Oxc) leaves
// decorator syntax as is and Chromium cannot run it yet. This is the legacy-decorator call
// the TypeScript `experimentalDecorators` output makes.
for (const name of ['tagCloud', 'firstPublished'] as const) {
  const descriptor = Object.getOwnPropertyDescriptor(Author.prototype, name);
  if (descriptor) Object.defineProperty(Author.prototype, name, cachedProperty(Author.prototype, name, descriptor));
}
