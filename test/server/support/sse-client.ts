/**
 * A small Server-Sent Events client over node:http for the hub's tests: it keeps the raw
 * text received (so tests can check bytes on the wire, not only parsed events) and parses
 * it as the spec does: blocks end at a blank line, `:` lines are comments.
 */
import http, { type IncomingHttpHeaders } from 'node:http';

/** One parsed event; `id` only when the block carried an `id:` line. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** An open (or answered) request to the hub. */
export interface SseStream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Every byte received so far, as text. */
  raw(): string;
  readonly events: SseEvent[];
  readonly comments: string[];
  /** Whether the server ended the response. */
  ended(): boolean;
  /** Resolves once `check` holds (checked on every chunk); rejects after `ms` with what arrived. */
  until(check: (stream: SseStream) => boolean, what: string, ms?: number): Promise<void>;
  /** Waits for the next event of `type` not yet returned by `next`. */
  next(type: string, ms?: number): Promise<SseEvent>;
  close(): void;
}

/** Parses complete blocks out of `text`; returns what is left over. */
export function parseSse(text: string, events: SseEvent[], comments: string[]): string {
  const blocks = text.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    const event: SseEvent = { event: 'message', data: '' };
    const data: string[] = [];
    let isEvent = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      isEvent = true;
      if (field === 'id') event.id = value;
      else if (field === 'event') event.event = value;
      else if (field === 'data') data.push(value);
    }
    event.data = data.join('\n');
    if (isEvent) events.push(event);
  }
  return rest;
}

/** Opens `url` (a GET unless `method` says otherwise); resolves once the response headers arrive. */
export function openStream(url: string, options: { headers?: Record<string, string>; method?: string } = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let raw = '';
      let pending = '';
      let done = false;
      const waiters = new Set<() => void>();
      const seen = new Map<string, number>();
      const wake = (): void => waiters.forEach((w) => w());
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        pending = parseSse(pending + chunk, stream.events, stream.comments);
        wake();
      });
      res.on('end', () => {
        done = true;
        wake();
      });
      // A dropped connection ends the stream too (and must not become an uncaught error).
      for (const name of ['close', 'error'] as const) {
        res.on(name, () => {
          done = true;
          wake();
        });
      }
      const stream: SseStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        raw: () => raw,
        events: [],
        comments: [],
        ended: () => done,
        until(check, what, ms = 5_000) {
          if (check(stream)) return Promise.resolve();
          return new Promise<void>((ok, fail) => {
            const timer = setTimeout(() => {
              waiters.delete(waiter);
              fail(new Error(`timed out after ${ms} ms waiting for ${what}; received:\n${raw}`));
            }, ms);
            const waiter = (): void => {
              if (!check(stream)) return;
              clearTimeout(timer);
              waiters.delete(waiter);
              ok();
            };
            waiters.add(waiter);
          });
        },
        async next(type, ms) {
          const from = seen.get(type) ?? 0;
          const find = (): number => stream.events.findIndex((e, i) => i >= from && e.event === type);
          await stream.until(() => find() >= 0, `a '${type}' event`, ms);
          const at = find();
          seen.set(type, at + 1);
          return stream.events[at] as SseEvent;
        },
        close: () => req.destroy(),
      };
      resolve(stream);
    });
    req.on('error', reject);
    req.end();
  });
}
