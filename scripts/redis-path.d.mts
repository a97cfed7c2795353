/** The redis-server executable, or undefined when there is none. */
export function findRedisServer(): string | undefined;
