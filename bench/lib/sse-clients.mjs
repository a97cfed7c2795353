// Many Server-Sent Events clients in this Node process, each on its own socket (node:http,
// no agent), for the push-fanout benchmark. Parsing is minimal, to keep the clients cheap
// next to the hub they measure: frames are split on a blank line, `event: ready` resolves
// the client's connection, and an invalidation's first key (`data: {"keys":["<key>"`) is
// handed to `onKey` with the time its chunk arrived (`performance.now()`: one clock for
// every client and the publisher in this process).
import http from 'node:http';

const KEY_PREFIX = 'data: {"keys":["';
const READY = 'event: ready';

/**
 * Opens `count` clients on `url` (`?client=node` is added, so the server can tell them from
 * tabs), `concurrency` connecting at a time; resolves once every one has received `ready`.
 * @param {string} url
 * @param {number} count
 * @param {{ concurrency?: number, timeoutMs?: number, onKey?: (key: string, t: number, client: number) => void }} [options]
 * @returns {Promise<{ count: number, open: () => number, close: () => void }>}
 */
export async function connectSseClients(url, count, { concurrency = 50, timeoutMs = 60_000, onKey = () => {} } = {}) {
  const requests = [];
  let open = 0;
  const separator = url.includes('?') ? '&' : '?';

  const connectOne = (index) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        req.destroy();
        reject(new Error(`SSE client ${index} got no 'ready' from ${url} within ${timeoutMs} ms`));
      }, timeoutMs);
      const req = http.get(`${url}${separator}client=node&n=${index}`, { agent: false, headers: { Accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) {
          clearTimeout(timer);
          res.resume();
          reject(new Error(`SSE client ${index}: ${url} answered ${res.statusCode}`));
          return;
        }
        open += 1;
        res.once('close', () => (open -= 1));
        let rest = '';
        let ready = false;
        res.on('data', (chunk) => {
          const t = performance.now();
          const text = rest + chunk.toString('latin1');
          let start = 0;
          let end;
          while ((end = text.indexOf('\n\n', start)) !== -1) {
            const at = text.indexOf(KEY_PREFIX, start);
            if (at !== -1 && at < end) {
              const from = at + KEY_PREFIX.length;
              onKey(text.slice(from, text.indexOf('"', from)), t, index);
            } else if (!ready) {
              const r = text.indexOf(READY, start);
              if (r !== -1 && r < end) {
                ready = true;
                clearTimeout(timer);
                resolve();
              }
            }
            start = end + 2;
          }
          rest = start === 0 ? text : text.slice(start);
        });
      });
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`SSE client ${index}: ${error.message}`, { cause: error }));
      });
      requests.push(req);
    });

  let next = 0;
  const lane = async () => {
    while (next < count) await connectOne(next++);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  } catch (error) {
    for (const req of requests) req.destroy();
    throw error;
  }
  return {
    count,
    /** How many responses are still open. */
    open: () => open,
    close() {
      for (const req of requests) req.destroy();
    },
  };
}
