/**
 * The blog's database: Django's guide models (Author, Article, Tag) in SQLite, compiled to
 * WebAssembly (sql.js) and loaded from node_modules, seeded deterministically. Every query
 * the views ask for is one real SQL statement, timed, with an artificial latency standing in
 * for a database across a network. In memory, unless a file is given: then API processes
 * opened on the same file share it (the two-servers-one-Redis recipe in ../README.md).
 */
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from 'sql.js';

export interface AuthorRow {
  username: string;
  email: string;
  bio: string;
}
export interface ArticleRow {
  id: number;
  title: string;
  created_at: string;
  author: string;
  tags: string[];
}

/** What one request cost the database: queries and their total time (latency included). */
export interface QueryLog {
  queries: number;
  ms: number;
}

const SCHEMA = `
CREATE TABLE author (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, email TEXT NOT NULL, bio TEXT NOT NULL);
CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE article (id INTEGER PRIMARY KEY, title TEXT NOT NULL, created_at TEXT NOT NULL,
  author_id INTEGER NOT NULL REFERENCES author(id) ON DELETE CASCADE);
CREATE INDEX article_author ON article(author_id);
CREATE INDEX article_created ON article(created_at);
CREATE TABLE article_tags (article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE, PRIMARY KEY (article_id, tag_id));
`;

const AUTHORS = [
  'alice', 'bob', 'ada', 'grace', 'barbara', 'margaret', 'edsger', 'donald', 'frances', 'ken',
  'dennis', 'radia', 'guido', 'adrian', 'simon', 'jacob', 'carlton', 'linus',
];
const TAGS = ['django', 'caching', 'sql', 'python', 'browsers', 'service-workers', 'performance', 'testing', 'typescript', 'http'];
const VERBS = ['Caching', 'Measuring', 'Invalidating', 'Debugging', 'Profiling', 'Scaling', 'Testing', 'Shipping', 'Rethinking', 'Taming'];
const THINGS = ['query sets', 'template fragments', 'the per-site cache', 'service workers', 'cache keys', 'N+1 queries',
  'Vary headers', 'select_related', 'IndexedDB', 'stale data', 'the ORM', 'slow views'];
const CONTEXTS = ['in production', 'on a budget', 'the Django way', 'in the browser', 'for beginners', 'at scale', 'without tears', 'in 10 minutes'];
/** Article count of the seed. */
export const SEED_ARTICLES = 320;

/** A small deterministic PRNG (mulberry32): the same seed gives the same blog everywhere. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BlogDbOptions {
  /** Artificial latency per query, ms (a remote database's round trip). */
  queryMs: number;
  /**
   * A file holding the database, for several processes to share: read when it exists (else
   * seeded and written), written after each change, read again when another process wrote
   * it. Demo-grade: two changes at the same moment in two processes keep only one.
   */
  file?: string;
}

/** The blog's database. Each method is one view's question, counted in `log`. */
export class BlogDb {
  /** The file's modification time when this process last read or wrote it. */
  private fileTime: number | undefined;
  /** Changes in flight: the file is not read again under them. */
  private changing = 0;

  private constructor(
    private readonly SQL: SqlJsStatic,
    private db: Database,
    private readonly queryMs: number,
    private readonly file: string | undefined,
  ) {}

  static async open(options: BlogDbOptions): Promise<BlogDb> {
    const require = createRequire(import.meta.url);
    const wasm = require.resolve('sql.js/dist/sql-wasm.wasm');
    const SQL = await initSqlJs({ locateFile: () => wasm });
    if (options.file !== undefined && statSync(options.file, { throwIfNoEntry: false })) {
      const blog = new BlogDb(SQL, new SQL.Database(), options.queryMs, options.file);
      blog.reload();
      return blog;
    }
    const db = new SQL.Database();
    db.exec('PRAGMA foreign_keys = ON;');
    db.exec(SCHEMA);
    seed(db);
    const blog = new BlogDb(SQL, db, options.queryMs, options.file);
    blog.save();
    return blog;
  }

  /** One SQL statement, timed, after the artificial latency. */
  private async query(log: QueryLog, sql: string, params: SqlValue[] = []): Promise<Record<string, SqlValue>[]> {
    const start = performance.now();
    if (this.queryMs > 0) await new Promise((resolve) => setTimeout(resolve, this.queryMs));
    if (this.changing === 0 && this.outdated()) this.reload();
    const [result] = this.db.exec(sql, params);
    log.queries += 1;
    log.ms += performance.now() - start;
    if (!result) return [];
    return result.values.map((row) => Object.fromEntries(result.columns.map((column, i) => [column, row[i] ?? null])));
  }

  /** `Author.objects.count()` */
  async countAuthors(log: QueryLog): Promise<number> {
    const [row] = await this.query(log, 'SELECT COUNT(*) AS n FROM author');
    return Number(row?.n ?? 0);
  }

  /** `Author.objects.annotate(n=Count('articles')).order_by('-n')[:5]` */
  async topAuthors(log: QueryLog, limit = 5): Promise<{ username: string; articles: number }[]> {
    const rows = await this.query(
      log,
      `SELECT a.username, COUNT(ar.id) AS n FROM author a JOIN article ar ON ar.author_id = a.id
       GROUP BY a.id ORDER BY n DESC, a.username LIMIT ?`,
      [limit],
    );
    return rows.map((r) => ({ username: String(r.username), articles: Number(r.n) }));
  }

  /** `Article.objects.select_related('author').prefetch_related('tags')`: two queries, as Django's. */
  async articles(log: QueryLog, where: { author?: string; page?: number; perPage?: number } = {}): Promise<ArticleRow[]> {
    const perPage = where.perPage ?? 20;
    const offset = ((where.page ?? 1) - 1) * perPage;
    const rows = await this.query(
      log,
      `SELECT ar.id, ar.title, ar.created_at, a.username FROM article ar JOIN author a ON a.id = ar.author_id
       ${where.author === undefined ? '' : 'WHERE a.username = ?'}
       ORDER BY ar.created_at DESC, ar.id DESC LIMIT ? OFFSET ?`,
      where.author === undefined ? [perPage, offset] : [where.author, perPage, offset],
    );
    if (rows.length === 0) return [];
    const ids = rows.map((r) => Number(r.id));
    const tagRows = await this.query(
      log,
      `SELECT at.article_id, t.name FROM article_tags at JOIN tag t ON t.id = at.tag_id
       WHERE at.article_id IN (${ids.map(() => '?').join(',')}) ORDER BY t.name`,
      ids,
    );
    const tags = new Map<number, string[]>();
    for (const r of tagRows) {
      const id = Number(r.article_id);
      tags.set(id, [...(tags.get(id) ?? []), String(r.name)]);
    }
    return rows.map((r) => ({
      id: Number(r.id),
      title: String(r.title),
      created_at: String(r.created_at),
      author: String(r.username),
      tags: tags.get(Number(r.id)) ?? [],
    }));
  }

  /** `Author.objects.get(username=...)` */
  async author(log: QueryLog, username: string): Promise<AuthorRow | undefined> {
    const [row] = await this.query(log, 'SELECT username, email, bio FROM author WHERE username = ?', [username]);
    return row ? { username: String(row.username), email: String(row.email), bio: String(row.bio) } : undefined;
  }

  /** `author.articles.exists()` */
  async hasArticles(log: QueryLog, username: string): Promise<boolean> {
    const rows = await this.query(
      log,
      'SELECT 1 FROM article ar JOIN author a ON a.id = ar.author_id WHERE a.username = ? LIMIT 1',
      [username],
    );
    return rows.length > 0;
  }

  /** `Author.objects.create(...)`; false when the username is taken. */
  async createAuthor(log: QueryLog, author: AuthorRow): Promise<boolean> {
    return this.change(async () => {
      const taken = await this.query(log, 'SELECT 1 FROM author WHERE username = ?', [author.username]);
      if (taken.length) return false;
      await this.query(log, 'INSERT INTO author (username, email, bio) VALUES (?, ?, ?)', [author.username, author.email, author.bio]);
      return true;
    });
  }

  /** `author.delete()`, articles cascading; false when there is no such author. */
  async deleteAuthor(log: QueryLog, username: string): Promise<boolean> {
    return this.change(async () => {
      await this.query(log, 'DELETE FROM author WHERE username = ?', [username]);
      return this.db.getRowsModified() > 0;
    });
  }

  /** `Article.objects.create(...)` and `article.tags.set(...)`; undefined when the author is unknown. */
  async publish(log: QueryLog, username: string, title: string, tags: string[]): Promise<number | undefined> {
    return this.change(() => this.insertArticle(log, username, title, tags));
  }

  private async insertArticle(log: QueryLog, username: string, title: string, tags: string[]): Promise<number | undefined> {
    const [author] = await this.query(log, 'SELECT id FROM author WHERE username = ?', [username]);
    if (!author) return undefined;
    const createdAt = new Date().toISOString();
    await this.query(log, 'INSERT INTO article (title, created_at, author_id) VALUES (?, ?, ?)', [title, createdAt, author.id ?? null]);
    const [row] = this.db.exec('SELECT last_insert_rowid()')[0]?.values ?? [];
    const id = Number(row?.[0]);
    if (tags.length) {
      await this.query(
        log,
        `INSERT OR IGNORE INTO article_tags (article_id, tag_id) SELECT ?, id FROM tag WHERE name IN (${tags.map(() => '?').join(',')})`,
        [id, ...tags],
      );
    }
    return id;
  }

  close(): void {
    this.db.close();
  }

  /** Runs a change: with a file, on its latest content, then written back for the other processes. */
  private async change<T>(run: () => Promise<T>): Promise<T> {
    if (this.changing === 0 && this.outdated()) this.reload();
    this.changing += 1;
    try {
      return await run();
    } finally {
      this.changing -= 1;
      this.save();
    }
  }

  /** Whether another process wrote the file since this one last read or wrote it. */
  private outdated(): boolean {
    if (this.file === undefined) return false;
    const time = statSync(this.file, { throwIfNoEntry: false })?.mtimeMs;
    return time !== undefined && time !== this.fileTime;
  }

  private reload(): void {
    if (this.file === undefined) return;
    const bytes = readFileSync(this.file);
    this.fileTime = statSync(this.file).mtimeMs;
    this.db.close();
    this.db = new this.SQL.Database(bytes);
    this.db.exec('PRAGMA foreign_keys = ON;');
  }

  private save(): void {
    if (this.file === undefined) return;
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, this.db.export());
    // export() reopens the database, and pragmas go back to their defaults.
    this.db.exec('PRAGMA foreign_keys = ON;');
    renameSync(temporary, this.file);
    this.fileTime = statSync(this.file).mtimeMs;
  }
}

function seed(db: Database): void {
  const rand = random(20240601);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  db.exec('BEGIN');
  AUTHORS.forEach((username, i) => {
    db.run('INSERT INTO author (id, username, email, bio) VALUES (?, ?, ?, ?)', [
      i + 1,
      username,
      `${username}@blog.example`,
      `${username[0]?.toUpperCase()}${username.slice(1)} writes about ${pick(TAGS)} and ${pick(TAGS)}.`,
    ]);
  });
  TAGS.forEach((name, i) => db.run('INSERT INTO tag (id, name) VALUES (?, ?)', [i + 1, name]));
  const start = Date.UTC(2024, 0, 1);
  for (let id = 1; id <= SEED_ARTICLES; id++) {
    // A few prolific authors, a long tail: the top-authors list means something.
    const author = 1 + Math.floor(rand() ** 2 * AUTHORS.length);
    const created = new Date(start + id * 26 * 3600_000 + Math.floor(rand() * 3600_000)).toISOString();
    db.run('INSERT INTO article (id, title, created_at, author_id) VALUES (?, ?, ?, ?)', [
      id,
      `${pick(VERBS)} ${pick(THINGS)} ${pick(CONTEXTS)}`,
      created,
      author,
    ]);
    const tagCount = 1 + Math.floor(rand() * 3);
    for (let t = 0; t < tagCount; t++) db.run('INSERT OR IGNORE INTO article_tags VALUES (?, ?)', [id, 1 + Math.floor(rand() * TAGS.length)]);
  }
  db.exec('COMMIT');
}
