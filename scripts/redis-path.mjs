// Where the tests find redis-server: REDIS_SERVER_PATH, else Debian's /usr/bin/redis-server.
import { existsSync } from 'node:fs';

/** The redis-server executable, or undefined when there is none. */
export function findRedisServer() {
  const candidates = [process.env.REDIS_SERVER_PATH, '/usr/bin/redis-server', '/usr/local/bin/redis-server'];
  return candidates.find((path) => path && existsSync(path));
}
