/**
 * What one view cost: API requests that reached the server (and their SQL queries, from the
 * `Server-Timing` header), responses the worker answered from its cache (they carry `Age`:
 * no query at all), page-cache hits, and the view's wall time.
 */
import { apiUrl } from './settings.js';

export interface ViewCost {
  view: string;
  /** API requests answered by the server. */
  requests: number;
  /** API requests answered by the worker's cache. */
  workerHits: number;
  /** Page-cache hits (getOrSet values and fragments that needed no request at all). */
  pageHits: number;
  queries: number;
  dbMs: number;
  ms: number;
}

export class Meter {
  readonly cost: ViewCost;
  private readonly start = performance.now();

  constructor(view: string) {
    this.cost = { view, requests: 0, workerHits: 0, pageHits: 0, queries: 0, dbMs: 0, ms: 0 };
  }

  /** GETs `path` from the API (through the worker), counting what it cost; rejects on a non-2xx. */
  async api<T>(path: string): Promise<T> {
    const response = await fetch(apiUrl(path), { headers: { Accept: 'application/json' } });
    if (response.headers.has('Age')) {
      this.cost.workerHits += 1;
    } else {
      this.cost.requests += 1;
      const timing = parseServerTiming(response.headers.get('Server-Timing'));
      this.cost.queries += timing.queries;
      this.cost.dbMs += timing.ms;
    }
    const body = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
    return body;
  }

  pageHit(): void {
    this.cost.pageHits += 1;
  }

  finish(): ViewCost {
    this.cost.ms = Math.round(performance.now() - this.start);
    this.cost.dbMs = Math.round(this.cost.dbMs);
    return this.cost;
  }
}

/** `db;desc="3 queries";dur=31.2` → { queries: 3, ms: 31.2 }. */
export function parseServerTiming(header: string | null): { queries: number; ms: number } {
  const db = (header ?? '').split(',').find((metric) => metric.trim().startsWith('db'));
  const queries = Number(db?.match(/desc="?(\d+)/)?.[1] ?? 0);
  const ms = Number(db?.match(/dur=([\d.]+)/)?.[1] ?? 0);
  return { queries, ms };
}
