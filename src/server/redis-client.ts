/**
 * The part of node-redis (`redis` >= 4.6, an optional peer) the Redis broker uses, loaded
 * only when a hub is given a Redis broker. The client is described structurally so the
 * published types never mention `redis`, and raw `sendCommand` replies are validated as
 * `unknown` rather than trusted (they also differ between node-redis majors).
 */

/** The client methods the broker calls; node-redis 4 and 5 both have them. */
export interface RedisClient {
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  readonly isReady: boolean;
  /** node-redis 5: graceful; 4: `quit`. */
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
  /** node-redis 5: at once, rejecting pending commands; 4: `disconnect`. */
  destroy?(): void;
  disconnect?(): Promise<unknown>;
}

/** The options the broker passes to `createClient`. */
export interface RedisClientOptions {
  url: string;
  /** Commands sent while disconnected reject at once instead of waiting for a reconnect. */
  disableOfflineQueue: boolean;
  socket: { reconnectStrategy: (retries: number) => number; connectTimeout: number };
}

/** node-redis's `createClient`, as the broker uses it. */
export type CreateRedisClient = (options: RedisClientOptions) => RedisClient;

/**
 * node-redis's `createClient`, imported on first use.
 * @example const createClient = await loadRedis();
 */
export async function loadRedis(importer: () => Promise<unknown> = () => import('redis')): Promise<CreateRedisClient> {
  let mod: unknown;
  try {
    mod = await importer();
  } catch (cause) {
    const missing = (cause as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND';
    throw new Error(
      missing
        ? "cachette: the Redis broker needs the 'redis' package (node-redis >= 4.6), which is not installed: npm install redis"
        : "cachette: the Redis broker could not load the 'redis' package (node-redis >= 4.6)",
      { cause },
    );
  }
  const createClient = (mod as { createClient?: unknown } | null)?.createClient;
  if (typeof createClient !== 'function') {
    throw new Error("cachette: the 'redis' package has no createClient; the Redis broker needs node-redis >= 4.6 (npm install redis)");
  }
  return createClient as CreateRedisClient;
}

/**
 * Closes a client, politely when it is connected (bounded by `ms`), at once otherwise
 * (or when `ms` is 0: a client blocked in `XREAD` would keep a polite close waiting).
 * @example await closeRedisClient(client, 1000);
 */
export async function closeRedisClient(client: RedisClient, ms: number): Promise<void> {
  const destroy = (): void => {
    try {
      if (client.destroy) client.destroy();
      else void client.disconnect?.().catch(() => {}); // fire-and-forget: the socket is going away
    } catch {
      // already closed
    }
  };
  if (!client.isReady || ms <= 0) return destroy();
  const polite = client.close ? client.close() : client.quit?.();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(resolve, ms, 'late');
  });
  try {
    if ((await Promise.race([polite, late])) === 'late') destroy();
  } catch {
    destroy();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The URL with its password hidden, for messages.
 * @example redactUrl('redis://:secret@cache:6379') // 'redis://:***@cache:6379'
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.includes('@') ? '(a URL with credentials, hidden)' : url;
  }
}
