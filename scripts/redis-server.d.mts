/** A running redis-server the caller owns. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** The server's version, from its start-up output (`'unknown'` if it did not say). */
  readonly version: string;
  /** Stops it: SIGTERM, SIGKILL after a bound. Idempotent. */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: nothing was persisted). */
  restart(): Promise<void>;
  /** The running process's id (to SIGSTOP it, say). */
  pid(): number | undefined;
}

/** Starts a redis-server on `port` (default: a free loopback port) and waits until it answers PING. */
export function startRedis(port?: number): Promise<RedisServer>;

/** A port nothing listens on now: bind port 0, read it, close. */
export function freePort(): Promise<number>;
